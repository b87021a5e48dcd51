"""Who may export and anonymise a person's data: the portal's superusers (the data controller's
administrators), and nobody their own account."""

from __future__ import annotations

from accounts.models import User
from accounts.permissions import is_administrator


def can_export_user_data(actor: User, user: User) -> bool:
    return is_administrator(actor)


def can_anonymise_user(actor: User, user: User) -> bool:
    return is_administrator(actor) and actor.pk != user.pk

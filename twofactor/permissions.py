"""Who must sign in with a second factor (decision 0014)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope


def has_elevated_role(user: User | AnonymousUser) -> bool:
    """Administrators and KKR secretariats, from what the request knows already."""
    return user.is_authenticated and (
        user.is_superuser or user.is_staff or get_scope(user).is_secretariat
    )


def requires_two_factor(user: User | AnonymousUser) -> bool:
    """Secretariat members (a KKR's or KL's) and administrators must use a second factor;
    everyone else may."""
    return has_elevated_role(user) or (
        user.is_authenticated and user.meeting_organisations.exists()
    )

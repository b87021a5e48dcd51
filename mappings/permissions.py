"""Who may do what with a KKR's way to its framework: yes/no questions over the cached scope.

Everyone who acts for the KKR, or for one of its municipalities, reads its mappings and
process plan (secretariat, coordinators, politicians); only its secretariat writes them.
Anyone else is told nothing exists (404), like the scoped querysets in `mappings.models`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope, is_administrator, is_kkr_secretariat


def path_kkr_ids(user: User | AnonymousUser) -> frozenset[int] | None:
    """The KKRs whose way to a framework the user reads; None means every KKR."""
    if is_administrator(user):
        return None
    return get_scope(user).kkr_ids


def can_read_path(user: User | AnonymousUser, kkr_id: int) -> bool:
    """The same rule as `KKRRowQuerySet.visible_to`, for one KKR."""
    kkr_ids = path_kkr_ids(user)
    return kkr_ids is None or kkr_id in kkr_ids


def can_edit_path(user: User | AnonymousUser, kkr_id: int) -> bool:
    """The KKR's secretariat records mappings, plans, milestones, steering groups and
    parties (`KKRRowQuerySet.editable_by`)."""
    return is_kkr_secretariat(user, kkr_id)


def has_path(user: User | AnonymousUser) -> bool:
    """Whether the menu shows "Vejen til rammepapiret": anyone with a role in a KKR."""
    kkr_ids = path_kkr_ids(user)
    return kkr_ids is None or bool(kkr_ids)

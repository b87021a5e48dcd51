"""Who may do what with frameworks: yes/no questions over the user's cached scope, no queries.

Only the owning KKR's secretariat writes a framework. Everyone reads an adopted (or
replaced) one; the KKR's coordinators and politicians also read it while it is in
consultation; a draft is its secretariat's alone (`Framework.objects.visible_to`).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope, is_administrator, is_kkr_secretariat
from commitments.models import Framework


def can_read_framework(user: User | AnonymousUser, framework: Framework) -> bool:
    """The same rule as `Framework.objects.visible_to`, for a framework already loaded."""
    if is_administrator(user) or framework.status in Framework.PUBLISHED:
        return True
    scope = get_scope(user)
    if framework.status == Framework.Status.CONSULTATION:
        return framework.kkr_id in scope.kkr_ids
    return framework.kkr_id in scope.secretariat_kkr_ids


def framework_kkr_ids(user: User | AnonymousUser) -> frozenset[int] | None:
    """The KKRs the user may make frameworks for; None means every KKR (administrators)."""
    if is_administrator(user):
        return None
    return get_scope(user).secretariat_kkr_ids


def can_create_framework(user: User | AnonymousUser) -> bool:
    """A KKR's secretariat makes its KKR's frameworks (and imports them from a file)."""
    return is_administrator(user) or get_scope(user).is_secretariat


def can_edit_framework(user: User | AnonymousUser, framework: Framework) -> bool:
    """The secretariat of the framework's KKR (and administrators) change it and start rounds
    under it (`Framework.objects.editable_by`); whether its state allows the change is the
    service's question: an adopted framework is not changed in place."""
    return is_kkr_secretariat(user, framework.kkr_id)


def can_see_framework_history(user: User | AnonymousUser, framework: Framework) -> bool:
    """The history shows every draft wording, so only the writers read it."""
    return can_edit_framework(user, framework)


def can_revise_framework(user: User | AnonymousUser, framework: Framework) -> bool:
    """The owning secretariat starts the next revision of an adopted framework (a replaced
    one has had its revision); whether one is already being written is the service's."""
    return framework.status == Framework.Status.ADOPTED and can_edit_framework(user, framework)

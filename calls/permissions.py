"""Who may do what with calls and proposals: yes/no questions over the cached scope.

Each predicate states, for one object, the rule of a scoped queryset in `calls.models`
(tests/test_permissions.py checks that they agree). A predicate asks the database nothing: an
addressee is found among the call's `addressees`, which the caller prefetches.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope, is_administrator, is_kkr_secretariat
from calls.models import Call, Proposal


def call_kkr_ids(user: User | AnonymousUser) -> frozenset[int] | None:
    """The KKRs the user may open calls for; None means every KKR (administrators)."""
    if is_administrator(user):
        return None
    return get_scope(user).secretariat_kkr_ids


def can_create_call(user: User | AnonymousUser) -> bool:
    """A KKR's secretariat calls for proposals for its KKR."""
    return is_administrator(user) or get_scope(user).is_secretariat


def can_manage_call(user: User | AnonymousUser, call: Call) -> bool:
    """The secretariat of the call's KKR (`Call.objects.managed_by`)."""
    return is_kkr_secretariat(user, call.kkr_id)


def is_addressee(user: User | AnonymousUser, call: Call) -> bool:
    """The call was sent to the user (from the call's prefetched addressees)."""
    return user.is_authenticated and any(person.pk == user.pk for person in call.addressees.all())


def can_read_call(user: User | AnonymousUser, call: Call) -> bool:
    """Its secretariat, and its addressees once it is opened (`Call.objects.visible_to`)."""
    if can_manage_call(user, call):
        return True
    return call.status != Call.Status.DRAFT and is_addressee(user, call)


def can_propose(user: User | AnonymousUser, call: Call) -> bool:
    """An addressee of an open call."""
    return call.status == Call.Status.OPEN and is_addressee(user, call)


def can_edit_proposal(user: User | AnonymousUser, proposal: Proposal) -> bool:
    """The author, while the proposal is a draft and the call is open."""
    return (
        user.is_authenticated
        and proposal.author_id == user.pk
        and proposal.status == Proposal.Status.DRAFT
        and proposal.call.status == Call.Status.OPEN
    )


def can_review_proposal(user: User | AnonymousUser, proposal: Proposal) -> bool:
    """The call's secretariat, once the proposal is submitted
    (`Proposal.objects.reviewable_by`)."""
    return proposal.status != Proposal.Status.DRAFT and can_manage_call(user, proposal.call)


def can_read_proposal(user: User | AnonymousUser, proposal: Proposal) -> bool:
    """Its author, and the call's secretariat once it is submitted
    (`Proposal.objects.visible_to`): a draft is its author's alone."""
    own = user.is_authenticated and proposal.author_id == user.pk
    return own or can_review_proposal(user, proposal)


def can_convert_proposals(user: User | AnonymousUser, call: Call) -> bool:
    """The call's secretariat merges accepted proposals' initiatives and turns them into a
    draft framework's (which it must also be allowed to edit: the service asks)."""
    return can_manage_call(user, call)


def can_see_call_history(user: User | AnonymousUser, call: Call) -> bool:
    """The history shows the call's drafts and every review: its secretariat's only."""
    return can_manage_call(user, call)

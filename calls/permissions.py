"""Who may do what with calls and proposals: yes/no questions over the accounts scope."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope
from calls.models import Call, Proposal


def can_create_call(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or get_scope(user).is_secretariat)


def can_manage_call(user: User | AnonymousUser, call: Call) -> bool:
    """The secretariat of the call's KKR."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or call.kkr_id in get_scope(user).secretariat_kkr_ids


def is_addressee(user: User | AnonymousUser, call: Call) -> bool:
    return user.is_authenticated and call.addressees.filter(pk=user.pk).exists()


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
    """The call's secretariat, once the proposal is submitted."""
    return proposal.status != Proposal.Status.DRAFT and can_manage_call(user, proposal.call)


def has_calls(user: User | AnonymousUser) -> bool:
    """Whether the menu shows "Indkaldelser": secretariats and the addressees of opened calls."""
    if not user.is_authenticated:
        return False
    return can_create_call(user) or Call.objects.visible_to(user).exists()

"""Who may do what: the one place that turns memberships into access.

Every view and every scoped queryset asks these functions. A user's memberships are read
once and kept in this process's memory under the user's `memberships_version` (core/memo.py),
which every service that changes memberships bumps: a request reads them from the database
only after a change, and the scope built from them is kept beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from accounts.models import Membership, User
from core.memo import memo

_SCOPE_ATTRIBUTE = "_portal_scope"
_MEMBERSHIPS_ATTRIBUTE = "_portal_memberships"
# (user id, memberships_version) -> the memberships, and -> the scope built from them. The
# version covers every change of a membership; both are read again after at most five minutes
# all the same, for what it does not cover: the organisations' names shown beside the
# memberships, which the back office may change, and a full save of a user row that writes
# back a version read just before a membership changed (decision 29).
_memberships_memo = memo(max_age=300)
_scope_memo = memo(max_age=300)


@dataclass(frozen=True)
class Scope:
    """The organisations a user acts for, by role."""

    secretariat_kkr_ids: frozenset[int] = frozenset()
    coordinator_municipality_ids: frozenset[int] = frozenset()
    politician_kkr_ids: frozenset[int] = frozenset()
    politician_municipality_ids: frozenset[int] = frozenset()
    # The KKR of every municipality the user acts for, to tell KKR membership cheaply.
    municipality_kkr_ids: frozenset[int] = frozenset()

    @property
    def is_secretariat(self) -> bool:
        return bool(self.secretariat_kkr_ids)

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_municipality_ids)

    @property
    def is_politician(self) -> bool:
        return bool(self.politician_kkr_ids or self.politician_municipality_ids)

    @property
    def kkr_ids(self) -> frozenset[int]:
        """Every KKR the user belongs to in any role."""
        return self.secretariat_kkr_ids | self.politician_kkr_ids | self.municipality_kkr_ids


def get_memberships(user: User | AnonymousUser) -> list[Membership]:
    """The user's memberships with their organisations, read once per memberships_version."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _MEMBERSHIPS_ATTRIBUTE, None)
    if cached is None:
        cached = _memberships_memo.get_or_compute(
            _version_key(user),
            lambda: list(
                Membership.objects.filter(user=user)
                .select_related("kkr", "municipality")
                .order_by("role", "kkr__name", "municipality__name")
            ),
        )
        setattr(user, _MEMBERSHIPS_ATTRIBUTE, cached)
    return cached


def _version_key(user: User) -> tuple[int, int]:
    return (user.pk, user.memberships_version)


def get_scope(user: User | AnonymousUser) -> Scope:
    """The user's scope, derived from their memberships."""
    if not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, _SCOPE_ATTRIBUTE, None)
    if cached is None:
        cached = _scope_memo.get_or_compute(_version_key(user), lambda: _build_scope(user))
        setattr(user, _SCOPE_ATTRIBUTE, cached)
    return cached


def _build_scope(user: User) -> Scope:
    secretariat: set[int] = set()
    coordinator: set[int] = set()
    politician_kkr: set[int] = set()
    politician_mun: set[int] = set()
    mun_kkr: set[int] = set()
    # Each membership has exactly one organisation, a KKR or a municipality (its constraints).
    for membership in get_memberships(user):
        kkr_id, municipality = membership.kkr_id, membership.municipality
        if municipality is not None:
            mun_kkr.add(municipality.kkr_id)
        if membership.role == Membership.Role.SECRETARIAT and kkr_id is not None:
            secretariat.add(kkr_id)
        elif membership.role == Membership.Role.COORDINATOR and municipality is not None:
            coordinator.add(municipality.pk)
        elif kkr_id is not None:
            politician_kkr.add(kkr_id)
        elif municipality is not None:
            politician_mun.add(municipality.pk)
    return Scope(
        secretariat_kkr_ids=frozenset(secretariat),
        coordinator_municipality_ids=frozenset(coordinator),
        politician_kkr_ids=frozenset(politician_kkr),
        politician_municipality_ids=frozenset(politician_mun),
        municipality_kkr_ids=frozenset(mun_kkr),
    )


def is_administrator(user: User | AnonymousUser) -> bool:
    """The portal's administrators (superusers) pass every rule: the one place that says so."""
    return user.is_authenticated and user.is_active and user.is_superuser


def is_back_office_staff(user: User | AnonymousUser) -> bool:
    """May open the back office (Django's staff flag), whatever their memberships."""
    return user.is_authenticated and user.is_active and user.is_staff


def is_kkr_secretariat(user: User | AnonymousUser, kkr_id: int) -> bool:
    """Works in this KKR's secretariat (or is an administrator): the rule behind changing a
    framework or a round, reviewing a report and seeing drafts in figures and files."""
    return is_administrator(user) or kkr_id in get_scope(user).secretariat_kkr_ids


def can_manage_users(user: User | AnonymousUser) -> bool:
    """Secretariat staff manage the users of their own KKR; administrators manage everyone."""
    return is_administrator(user) or get_scope(user).is_secretariat


def manageable_kkr_ids(user: User | AnonymousUser) -> frozenset[int] | None:
    """The KKRs whose users this user manages; None means every KKR (administrators)."""
    if is_administrator(user):
        return None
    return get_scope(user).secretariat_kkr_ids


def can_grant(user: User | AnonymousUser, *, kkr_id: int) -> bool:
    """May this user grant roles in organisations that belong to this KKR?"""
    kkr_ids = manageable_kkr_ids(user)
    return kkr_ids is None or kkr_id in kkr_ids


def can_manage_membership(user: User | AnonymousUser, membership: Membership) -> bool:
    """`Membership.objects.manageable_by`: a role in an organisation of a KKR the user manages
    (uses the membership's municipality, when it is one's)."""
    return can_grant(user, kkr_id=membership.owning_kkr_id)


def has_tasks(user: User | AnonymousUser) -> bool:
    """Mine opgaver has something for everyone signed in but those who only read.

    Coordinators and secretariats have reports; members of a meeting group and KL's staff have
    agenda proposals and meetings, which need no KKR role. A user whose only role is
    politician reads (a politician who also sits in a group finds its meetings under "Møder").
    """
    if not user.is_authenticated:
        return False
    return has_reporting_work(user) or not get_scope(user).is_politician


def has_reporting_work(user: User | AnonymousUser) -> bool:
    """Coordinators and secretariat staff have tasks and reports; politicians only read."""
    scope = get_scope(user)
    return is_administrator(user) or scope.is_coordinator or scope.is_secretariat


def can_manage_user(actor: User | AnonymousUser, user: User) -> bool:
    """May the actor unlock, reactivate, deactivate or change this person?

    Administrators manage everyone; nobody else touches an administrator. A secretariat
    manages a person only when every role the person holds is within its KKRs, so that one
    KKR cannot take over an account another KKR relies on.
    """
    if is_administrator(actor):
        return True
    if user.is_superuser:
        return False
    kkr_ids = get_scope(actor).secretariat_kkr_ids
    if not kkr_ids:
        return False
    owning = {
        membership.owning_kkr_id
        for membership in Membership.objects.filter(user=user).select_related("municipality")
    }
    return bool(owning) and owning <= kkr_ids

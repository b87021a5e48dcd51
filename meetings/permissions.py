"""Who may do what with groups and meetings: yes/no questions over the user's meeting scope.

The meeting scope adds two things to the accounts scope: the organisations outside the KKRs
whose secretariat the user works in (KL), and the groups the user is a member of. Both are
read in one query, once per user object, like `accounts.permissions.get_scope`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import IntegerField, Value

from accounts.models import User
from accounts.permissions import get_scope, is_administrator
from meetings.models import Group, GroupMember, Meeting, Organisation

_ATTRIBUTE = "_meeting_scope"
_MEMBER, _STAFF = 1, 2


@dataclass(frozen=True)
class MeetingScope:
    is_superuser: bool = False
    secretariat_kkr_ids: frozenset[int] = frozenset()
    organisation_ids: frozenset[int] = frozenset()
    member_group_ids: frozenset[int] = frozenset()

    @property
    def runs_a_secretariat(self) -> bool:
        return self.is_superuser or bool(self.secretariat_kkr_ids or self.organisation_ids)


def get_meeting_scope(user: User | AnonymousUser) -> MeetingScope:
    """The user's secretariats and group memberships, read once per user object."""
    if not user.is_authenticated or not user.is_active:
        return MeetingScope()
    cached = getattr(user, _ATTRIBUTE, None)
    if cached is not None:
        return cached
    members = (
        GroupMember.objects.filter(user=user)
        .order_by()
        .annotate(kind=Value(_MEMBER, output_field=IntegerField()))
        .values_list("kind", "group_id")
    )
    staff = (
        Organisation.staff.through.objects.filter(user=user)
        .order_by()
        .annotate(kind=Value(_STAFF, output_field=IntegerField()))
        # django-stubs does not see the annotation on an auto-created through model.
        .values_list("kind", "organisation_id")  # type: ignore[misc]
    )
    rows = list(members.union(staff))
    scope = MeetingScope(
        is_superuser=is_administrator(user),
        secretariat_kkr_ids=get_scope(user).secretariat_kkr_ids,
        organisation_ids=frozenset(pk for kind, pk in rows if kind == _STAFF),
        member_group_ids=frozenset(pk for kind, pk in rows if kind == _MEMBER),
    )
    setattr(user, _ATTRIBUTE, scope)
    return scope


def can_create_group(user: User | AnonymousUser) -> bool:
    """Secretariats (a KKR's, or KL's) set up groups; administrators too."""
    return get_meeting_scope(user).runs_a_secretariat


def can_own_group(
    user: User | AnonymousUser, *, kkr_id: int | None, organisation_id: int | None
) -> bool:
    """May the user make a group owned by this KKR or organisation?"""
    scope = get_meeting_scope(user)
    return (
        scope.is_superuser
        or (kkr_id is not None and kkr_id in scope.secretariat_kkr_ids)
        or (organisation_id is not None and organisation_id in scope.organisation_ids)
    )


def can_manage_group(user: User | AnonymousUser, group: Group) -> bool:
    """The group's own secretariat edits it, its meetings and its agendas."""
    return can_own_group(
        user, kkr_id=group.owner_kkr_id, organisation_id=group.owner_organisation_id
    )


def can_appoint_for(user: User | AnonymousUser, group: Group, *, kkr_id: int | None) -> bool:
    """Seed 003: members are appointed by their KKR's secretariat (or the group's, for them)."""
    if can_manage_group(user, group):
        return True
    return group.kkr_seats and kkr_id in get_meeting_scope(user).secretariat_kkr_ids


def can_appoint_members(user: User | AnonymousUser, group: Group) -> bool:
    """May the user appoint anyone at all to the group (the page's button)?"""
    if can_manage_group(user, group):
        return True
    return group.kkr_seats and bool(get_meeting_scope(user).secretariat_kkr_ids)


def appointable_kkr_ids(user: User | AnonymousUser, group: Group) -> frozenset[int] | None:
    """The KKRs whose seats the user fills; None means every KKR (the group's secretariat)."""
    if can_manage_group(user, group):
        return None
    return get_meeting_scope(user).secretariat_kkr_ids if group.kkr_seats else frozenset()


def can_remove_member(user: User | AnonymousUser, member: GroupMember) -> bool:
    return can_appoint_for(user, member.group, kkr_id=member.kkr_id)


def is_group_member(user: User | AnonymousUser, group: Group) -> bool:
    return group.pk in get_meeting_scope(user).member_group_ids


def can_propose_item(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """Members propose items on an equal footing with the secretariat (seed 003)."""
    return is_group_member(user, meeting.group) or can_manage_group(user, meeting.group)


def can_manage_meeting(user: User | AnonymousUser, meeting: Meeting) -> bool:
    return can_manage_group(user, meeting.group)


def can_read_agenda(user: User | AnonymousUser, meeting: Meeting) -> bool:
    return meeting.agenda_published_at is not None or can_manage_meeting(user, meeting)


def can_read_minutes(user: User | AnonymousUser, meeting: Meeting) -> bool:
    return meeting.minutes_published_at is not None or can_manage_meeting(user, meeting)

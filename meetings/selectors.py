"""Reads shaped for the meeting pages and for "Mine opgaver"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from meetings.models import MAX_MEMBERS_PER_KKR, Group, GroupMember, Meeting
from meetings.permissions import get_meeting_scope
from municipalities.models import KKR


@dataclass(frozen=True)
class Seat:
    number: int
    member: GroupMember | None


@dataclass(frozen=True)
class KKRSeats:
    kkr: KKR
    seats: list[Seat]

    @property
    def free(self) -> int:
        return sum(1 for seat in self.seats if seat.member is None)


def group_seats(members: list[GroupMember]) -> list[KKRSeats]:
    """Every KKR with its two seats in the group, filled or empty (one query for the KKRs)."""
    by_seat = {(m.kkr_id, m.seat): m for m in members if m.kkr_id}
    return [
        KKRSeats(
            kkr,
            [
                Seat(number, by_seat.get((kkr.pk, number)))
                for number in range(1, MAX_MEMBERS_PER_KKR + 1)
            ],
        )
        for kkr in KKR.objects.order_by("name")
    ]


def group_members(group: Group) -> list[GroupMember]:
    return list(
        group.members.select_related("user", "kkr", "municipality").order_by(
            "kkr__name", "seat", "user__full_name", "user__email"
        )
    )


def meetings_for_list(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("group").order_by("date", "starts_at", "pk")


@dataclass(frozen=True)
class MeetingTask:
    meeting: Meeting
    can_propose: bool
    pending_proposals: int
    manages: bool

    @property
    def agenda_to_read(self) -> bool:
        return self.meeting.agenda_published_at is not None


def meeting_tasks_for(user: User, *, today: datetime.date) -> list[MeetingTask]:
    """Upcoming meetings of the user's groups: items to propose, agendas to read.

    For a group's secretariat, also how many proposals wait for a decision. One query (the
    meeting scope is read once per request). Administrators see their own groups here, not
    every group's.
    """
    scope = get_meeting_scope(user)
    managed = Q(group__owner_kkr_id__in=scope.secretariat_kkr_ids) | Q(
        group__owner_organisation_id__in=scope.organisation_ids
    )
    if not (scope.member_group_ids or scope.secretariat_kkr_ids or scope.organisation_ids):
        return []
    mine = Q(group_id__in=scope.member_group_ids) | managed
    meetings = (
        Meeting.objects.filter(mine, date__gte=today, status=Meeting.Status.PLANNED)
        .select_related("group")
        .annotate(
            pending=Count("proposals", filter=Q(proposals__status="proposed")),
        )
        .order_by("date", "starts_at", "pk")
    )
    tasks = []
    for meeting in meetings:
        manages = (
            meeting.group.owner_kkr_id in scope.secretariat_kkr_ids
            or meeting.group.owner_organisation_id in scope.organisation_ids
        )
        tasks.append(
            MeetingTask(
                meeting=meeting,
                can_propose=meeting.accepts_proposals_on(today),
                pending_proposals=meeting.pending if manages else 0,
                manages=manages,
            )
        )
    return tasks

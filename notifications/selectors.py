"""Reads: what is waiting for a user ("Mine opgaver"), and which reminders are due."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, cast

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.permissions import get_memberships, get_scope
from municipalities.models import Municipality
from notifications.models import ReminderSent, RoundReminderPause
from pilots.models import PilotParticipation
from reporting.models import Report, ReportingRound

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class RoundCounts(TypedDict):
    """A round's reports counted by state, as annotated on it for the secretariat's tasks."""

    awaiting_review: int
    not_submitted: int
    approved: int
    total: int


@dataclass
class ReportTask:
    report: Report
    today: datetime.date

    @property
    def days_left(self) -> int:
        return (self.report.deadline - self.today).days


@dataclass
class MunicipalityTasks:
    municipality: Municipality
    open_reports: list[ReportTask] = field(default_factory=list)
    awaiting_review: list[Report] = field(default_factory=list)
    invitations: list[PilotParticipation] = field(default_factory=list)

    @property
    def returned_reports(self) -> list[ReportTask]:
        return [t for t in self.open_reports if t.report.status == Report.Status.RETURNED]

    @property
    def count(self) -> int:
        return len(self.open_reports) + len(self.invitations)


@dataclass
class Tasks:
    municipalities: list[MunicipalityTasks]
    rounds: list[WithAnnotations[ReportingRound, RoundCounts]]

    @property
    def count(self) -> int:
        """Things waiting for this user: reports to write, invitations, reports to review."""
        return sum(m.count for m in self.municipalities) + sum(
            r.awaiting_review for r in self.rounds
        )


def tasks_for(user: User) -> Tasks:
    """Everything waiting for the user: per municipality served, and per KKR round reviewed.

    One query for reports, one for invitations and one for rounds, however many
    municipalities the user serves (the municipalities come with the user's memberships).
    """
    scope = get_scope(user)
    municipalities = sorted(
        {
            # A coordinator's membership is in a municipality (its constraint).
            m.municipality_id: cast(Municipality, m.municipality)
            for m in get_memberships(user)
            if m.municipality_id in scope.coordinator_municipality_ids
        }.values(),
        key=lambda m: m.name,
    )
    by_id = {m.pk: MunicipalityTasks(m) for m in municipalities}
    today = timezone.localdate()
    if by_id:
        reports = Report.objects.filter(
            municipality_id__in=by_id,
            round__status=ReportingRound.Status.OPEN,
            status__in=[*Report.EDITABLE_STATUSES, Report.Status.SUBMITTED],
        ).select_related("round", "municipality")
        for report in sorted(reports, key=lambda r: (r.deadline, r.round.title)):
            tasks = by_id[report.municipality_id]
            if report.status == Report.Status.SUBMITTED:
                tasks.awaiting_review.append(report)
            else:
                tasks.open_reports.append(ReportTask(report, today))
        invitations = (
            PilotParticipation.objects.filter(
                municipality_id__in=by_id, status=PilotParticipation.Status.INVITED
            )
            .select_related("project__lead_municipality", "project__initiative", "municipality")
            .order_by("project__title")
        )
        for invitation in invitations:
            by_id[invitation.municipality_id].invitations.append(invitation)
    rounds: list[WithAnnotations[ReportingRound, RoundCounts]] = []
    if scope.secretariat_kkr_ids:
        rounds = list(
            ReportingRound.objects.filter(
                framework__kkr_id__in=scope.secretariat_kkr_ids,
                status=ReportingRound.Status.OPEN,
            )
            .select_related("framework__kkr")
            .annotate(
                awaiting_review=Count("reports", filter=Q(reports__status=Report.Status.SUBMITTED)),
                not_submitted=Count(
                    "reports", filter=Q(reports__status__in=Report.EDITABLE_STATUSES)
                ),
                approved=Count("reports", filter=Q(reports__status=Report.Status.APPROVED)),
                total=Count("reports"),
            )
            .order_by("deadline", "title")
        )
    return Tasks(list(by_id.values()), rounds)


def open_and_missing() -> Q:
    """Reports of open rounds that the municipality has not submitted yet."""
    return Q(round__status=ReportingRound.Status.OPEN, status__in=Report.EDITABLE_STATUSES)


def reminders_due(*, today: datetime.date) -> list[tuple[Report, int]]:
    """Reports of open rounds, not yet submitted, whose deadline is an offset day from today."""
    offsets = sorted(set(settings.REMINDER_OFFSETS_DAYS))
    deadlines = [today - datetime.timedelta(days=offset) for offset in offsets]
    candidates = list(
        Report.objects.filter(open_and_missing(), round__reminder_pause__isnull=True)
        .filter(
            Q(deadline_override__in=deadlines)
            | Q(deadline_override__isnull=True, round__deadline__in=deadlines)
        )
        .select_related("round", "municipality")
        .order_by("round__title", "municipality__name")
    )
    sent = set(
        ReminderSent.objects.filter(report__in=candidates).values_list(
            "report_id", "offset_days", "deadline"
        )
    )
    due = []
    for report in candidates:
        offset = (today - report.deadline).days
        if offset in offsets and (report.pk, offset, report.deadline) not in sent:
            due.append((report, offset))
    return due


@dataclass(frozen=True)
class ReminderPlan:
    """A round's automatic reminders: the schedule, whether it is switched off, what is next."""

    offsets: list[str]
    pause: RoundReminderPause | None
    next_date: datetime.date | None
    next_municipalities: list[str]


def reminder_plan(*, round_: ReportingRound, today: datetime.date) -> ReminderPlan:
    """The schedule and the next day a reminder is due, with the municipalities it would reach
    as things stand (those that have submitted by then get none)."""
    offsets = sorted(set(settings.REMINDER_OFFSETS_DAYS))
    pause = RoundReminderPause.objects.filter(round=round_).select_related("paused_by").first()
    reports = list(
        Report.objects.filter(open_and_missing(), round=round_)
        .select_related("round", "municipality")
        .order_by("municipality__name")
    )
    sent = set(
        ReminderSent.objects.filter(report__in=reports).values_list(
            "report_id", "offset_days", "deadline"
        )
    )
    due: dict[datetime.date, list[str]] = {}
    for report in reports:
        for offset in offsets:
            day = report.deadline + datetime.timedelta(days=offset)
            if day >= today and (report.pk, offset, report.deadline) not in sent:
                due.setdefault(day, []).append(report.municipality.name)
                break
    next_date = min(due, default=None)
    return ReminderPlan(
        offsets=[describe_offset(offset) for offset in offsets],
        pause=pause,
        next_date=next_date,
        next_municipalities=due.get(next_date, []) if next_date else [],
    )


def describe_offset(offset: int) -> str:
    """An offset from the deadline in words: "7 dage før fristen", "1 dag efter fristen"."""
    days = abs(offset)
    if offset < 0:
        return ngettext("%(days)s dag før fristen", "%(days)s dage før fristen", days) % {
            "days": days
        }
    if offset > 0:
        return ngettext("%(days)s dag efter fristen", "%(days)s dage efter fristen", days) % {
            "days": days
        }
    return _("på dagen for fristen")

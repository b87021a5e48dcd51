"""Reads for reporting rounds: the list and the secretariat's follow-up grid."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import get_scope
from reporting.models import Report, ReportEvent, ReportingRound

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class FollowUpState:
    key: str  # as in the address: ?tilstand=<key>
    label: StrOrPromise


FOLLOW_UP_STATES = [
    FollowUpState("ikke-paabegyndt", gettext_lazy("Ikke påbegyndt")),
    FollowUpState("i-gang", gettext_lazy("I gang")),
    FollowUpState("indsendt", gettext_lazy("Indsendt")),
    FollowUpState("sendt-retur", gettext_lazy("Sendt retur")),
    FollowUpState("godkendt", gettext_lazy("Godkendt")),
    FollowUpState("overskredet", gettext_lazy("Overskredet frist")),
    # Not started, in progress or returned: what "Mine opgaver" counts as not submitted.
    FollowUpState("mangler", gettext_lazy("Mangler at indsende")),
]
_PROGRESS_KEYS = {
    "not_started": "ikke-paabegyndt",
    "in_progress": "i-gang",
    "submitted": "indsendt",
    "returned": "sendt-retur",
    "approved": "godkendt",
}


@dataclass(frozen=True)
class StateCount:
    state: FollowUpState
    count: int


@dataclass
class FollowUp:
    """The secretariat's overview of one round: a row per municipality and the totals."""

    rows: list[Report]
    counts: list[StateCount]
    total: int
    missing: int  # not submitted yet: drafts and returned reports


def _overdue(prefix: str, today: datetime.date) -> Q:
    """Reports still with the municipality, in an open round, past their effective deadline."""
    return Q(
        **{
            f"{prefix}status__in": Report.EDITABLE_STATUSES,
            f"{prefix}round__status": ReportingRound.Status.OPEN,
        }
    ) & (
        Q(**{f"{prefix}deadline_override__lt": today})
        | Q(**{f"{prefix}deadline_override__isnull": True, f"{prefix}round__deadline__lt": today})
    )


def rounds_for_list(*, user, today: datetime.date):
    """Rounds the user may see with their framework and report counts per state, in one query."""
    draft = Report.Status.DRAFT
    return (
        ReportingRound.objects.visible_to(user)
        .select_related("framework__kkr")
        .annotate(
            report_count=Count("reports"),
            not_started_count=Count(
                "reports", filter=Q(reports__status=draft, reports__started_at__isnull=True)
            ),
            in_progress_count=Count(
                "reports", filter=Q(reports__status=draft, reports__started_at__isnull=False)
            ),
            submitted_count=Count("reports", filter=Q(reports__status=Report.Status.SUBMITTED)),
            returned_count=Count("reports", filter=Q(reports__status=Report.Status.RETURNED)),
            approved_count=Count("reports", filter=Q(reports__status=Report.Status.APPROVED)),
            overdue_count=Count("reports", filter=_overdue("reports__", today)),
        )
        .order_by("framework__kkr__name", "framework__title", "-opens_on", "title")
    )


def round_follow_up(*, round_: ReportingRound, state: str | None) -> FollowUp:
    """Every municipality's report in the round with its last activity, filtered by state."""
    reports = list(
        round_.reports.select_related("municipality", "round")
        .annotate(
            last_event_at=Max("events__at"),
            last_reminded_at=Max(
                "events__at", filter=Q(events__action=ReportEvent.Action.REMINDED)
            ),
        )
        .order_by("municipality__name")
    )
    counts = dict.fromkeys((s.key for s in FOLLOW_UP_STATES), 0)
    for report in reports:
        report.state_key = _PROGRESS_KEYS[report.progress]
        counts[report.state_key] += 1
        if report.is_overdue:
            counts["overskredet"] += 1
        if report.status in Report.EDITABLE_STATUSES:
            counts["mangler"] += 1
    if state == "overskredet":
        rows = [r for r in reports if r.is_overdue]
    elif state == "mangler":
        rows = [r for r in reports if r.status in Report.EDITABLE_STATUSES]
    elif state in counts:
        rows = [r for r in reports if r.state_key == state]
    else:
        rows = reports
    return FollowUp(
        rows=rows,
        counts=[StateCount(s, counts[s.key]) for s in FOLLOW_UP_STATES],
        total=len(reports),
        missing=counts["mangler"],
    )


def own_reports(*, user: User | AnonymousUser, round_: ReportingRound) -> QuerySet[Report]:
    """The round's reports of the municipalities the user coordinates, for the round page."""
    return (
        round_.reports.filter(municipality_id__in=get_scope(user).coordinator_municipality_ids)
        .select_related("municipality", "round")
        .order_by("municipality__name")
    )


def round_shared_counts(*, round_: ReportingRound) -> dict[str, int]:
    """What everyone may know about a round's progress: how many submitted and approved."""
    return round_.reports.aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(status=Report.Status.SUBMITTED)),
        approved=Count("pk", filter=Q(status=Report.Status.APPROVED)),
    )

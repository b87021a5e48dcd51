"""Reads that shape reports and rounds for their pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Prefetch, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import get_scope
from commitments.models import Method
from reporting.models import (
    Attachment,
    PilotParticipation,
    PilotProject,
    PoliticalAnswer,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
    ReportQuerySet,
)


@dataclass
class AreaEntries:
    number: int
    title: str
    entries: list[ReportEntry]


def report_for_page(*, queryset, pk: int) -> Report:
    """One report with its round, municipality, entries, answers and events, in few queries."""
    entries = (
        ReportEntry.objects.order_by("position")
        .prefetch_related(
            "methods",
            Prefetch("attachments", queryset=Attachment.objects.order_by("created_at")),
        )
        .select_related("pilot_project")
    )
    return (
        queryset.select_related(
            "round__framework__kkr", "municipality__kkr", "submitted_by", "reviewed_by"
        )
        .prefetch_related(
            Prefetch("entries", queryset=entries),
            "answers__question",
            "events__actor",
        )
        .get(pk=pk)
    )


def entries_by_area(report: Report) -> list[AreaEntries]:
    """The report's entries grouped by strategic area, in the framework's order."""
    areas: list[AreaEntries] = []
    for entry in report.entries.all():
        if not areas or areas[-1].number != entry.area_number:
            areas.append(AreaEntries(entry.area_number, entry.area_title, []))
        areas[-1].entries.append(entry)
    return areas


# --- rounds: the list and the secretariat's follow-up grid ---


@dataclass(frozen=True)
class FollowUpState:
    key: str  # as in the address: ?tilstand=<key>
    label: str


FOLLOW_UP_STATES = [
    FollowUpState("ikke-paabegyndt", gettext_lazy("Ikke påbegyndt")),
    FollowUpState("i-gang", gettext_lazy("I gang")),
    FollowUpState("indsendt", gettext_lazy("Indsendt")),
    FollowUpState("sendt-retur", gettext_lazy("Sendt retur")),
    FollowUpState("godkendt", gettext_lazy("Godkendt")),
    FollowUpState("overskredet", gettext_lazy("Overskredet frist")),
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
    if state == "overskredet":
        rows = [r for r in reports if r.is_overdue]
    elif state in counts:
        rows = [r for r in reports if r.state_key == state]
    else:
        rows = reports
    return FollowUp(
        rows=rows,
        counts=[StateCount(s, counts[s.key]) for s in FOLLOW_UP_STATES],
        total=len(reports),
        missing=sum(1 for r in reports if r.status in Report.EDITABLE_STATUSES),
    )


def round_shared_counts(*, round_: ReportingRound) -> dict[str, int]:
    """What everyone may know about a round's progress: how many submitted and approved."""
    return round_.reports.aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(status=Report.Status.SUBMITTED)),
        approved=Count("pk", filter=Q(status=Report.Status.APPROVED)),
    )


# --- report form, review and history ---


def pilot_projects_for_report(report: Report) -> list[PilotProject]:
    """Pilot projects on the report's pilot initiatives that its municipality leads or joins.

    The project an entry already points to is kept, so that saving never drops a choice.
    """
    entries = report.entries.all()
    initiative_ids = [e.initiative_id for e in entries if not e.is_mandatory]
    chosen_ids = [e.pilot_project_id for e in entries if e.pilot_project_id]
    takes_part = Q(lead_municipality_id=report.municipality_id) | Q(
        participations__municipality_id=report.municipality_id,
        participations__status=PilotParticipation.Status.ACCEPTED,
    )
    return list(
        PilotProject.objects.filter(
            Q(initiative_id__in=initiative_ids, status__in=_ACTIVE_PILOT) & takes_part
            | Q(pk__in=chosen_ids)
        )
        .distinct()
        .order_by("title")
    )


_ACTIVE_PILOT = [
    PilotProject.Status.PLANNED,
    PilotProject.Status.RUNNING,
    PilotProject.Status.COMPLETED,
]


def reports_with_history_for(user: User | AnonymousUser) -> ReportQuerySet:
    """Reports whose history the user may read: the KKR's secretariat, own coordinators.

    The history holds every draft value, so it is narrower than `visible_to`.
    """
    own = Report.objects.filter(municipality_id__in=get_scope(user).coordinator_municipality_ids)
    return (Report.objects.reviewable_by(user) | own).distinct()


@dataclass
class HistoryRow:
    at: datetime.datetime
    who: str
    subject: str
    field: str
    old: str
    new: str


REPORT_HISTORY_FIELDS = [
    "status",
    "return_comment",
    "deadline_override",
    "deadline_override_reason",
    "council_body",
    "council_date",
]


def _display(model, name: str, value, names: dict[str, dict]) -> str:
    if value in (None, ""):
        return ""
    if name in names:
        return str(names[name].get(value, value))
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "j. F Y")
    return str(value)


def _who(record) -> str:
    user = record.history_user
    return (user.get_full_name() or user.email) if user else ""


def _changes(records, model, fields, subject, names, *, labels=None, extra=None):
    """Rows for one model's history records: creation values, then each record's diff."""
    rows: list[tuple[tuple, HistoryRow]] = []
    previous: dict[int, object] = {}
    for record in sorted(records, key=lambda r: (r.id, r.history_date, r.history_id)):
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "-":
            changes = [(f, getattr(record, f), None) for f in fields if getattr(record, f)]
        elif before is None:
            changes = [(f, None, getattr(record, f)) for f in fields]
        else:
            delta = record.diff_against(before, included_fields=fields)
            # In the order of `fields`, so that status comes first.
            ordered = sorted(delta.changes, key=lambda c: fields.index(c.field))
            changes = [(c.field, c.old, c.new) for c in ordered]
        if extra:
            changes += extra(before, record)
        for name, old, new in changes:
            old_text = _display(model, name, old, names)
            new_text = _display(model, name, new, names)
            if old_text == new_text:
                continue
            label = (labels or {}).get(name) or model._meta.get_field(name).verbose_name
            row = HistoryRow(
                at=record.history_date,
                who=_who(record),
                subject=subject(record),
                field=str(label),
                old=old_text,
                new=new_text,
            )
            rows.append(((record.history_date, model._meta.model_name, record.history_id), row))
    return rows


def report_history(report: Report) -> list[HistoryRow]:
    """Every change to the report, its entries, answers and attachments, newest first."""
    report_records = report.history.select_related("history_user")
    entry_records = list(
        ReportEntry.history.filter(report_id=report.pk).select_related("history_user")
    )
    through = _methods_through()
    methods_by_record: dict[int, set[int]] = {}
    for history_id, method_id in through.objects.filter(history__report_id=report.pk).values_list(
        "history_id", "method_id"
    ):
        methods_by_record.setdefault(history_id, set()).add(method_id)
    method_names = dict(
        Method.objects.filter(framework_id=report.round.framework_id).values_list("pk", "name")
    )
    pilot_ids = {r.pilot_project_id for r in entry_records if r.pilot_project_id}
    pilot_names = dict(PilotProject.objects.filter(pk__in=pilot_ids).values_list("pk", "title"))
    answer_records = PoliticalAnswer.history.filter(report_id=report.pk).select_related(
        "history_user", "question"
    )
    attachment_records = Attachment.history.filter(entry__report_id=report.pk).select_related(
        "history_user", "entry"
    )

    def methods_changed(before, record):
        old = methods_by_record.get(before.history_id, set()) if before else set()
        new = methods_by_record.get(record.history_id, set())
        if old == new:
            return []
        return [("methods", old, new)]

    entry_names = {"pilot_project": pilot_names, "methods": _SetNames(method_names)}
    rows = [
        *_changes(report_records, Report, REPORT_HISTORY_FIELDS, lambda r: _("Rapporten"), {}),
        *_changes(
            entry_records,
            ReportEntry,
            ReportEntry.ANSWER_FIELDS,
            lambda r: f"{r.initiative_code} {r.initiative_title}",
            entry_names,
            labels={"methods": ReportEntry._meta.get_field("methods").verbose_name},
            extra=methods_changed,
        ),
        *_changes(
            answer_records,
            PoliticalAnswer,
            ["answer"],
            lambda r: _("Politisk spørgsmål %(number)s") % {"number": r.question.number},
            {},
        ),
        *_changes(
            attachment_records,
            Attachment,
            ["original_name"],
            lambda r: f"{r.entry.initiative_code} {r.entry.initiative_title}",
            {},
            labels={"original_name": _("Bilag")},
        ),
    ]
    rows.sort(key=lambda item: item[0], reverse=True)
    return [row for _key, row in rows]


class _SetNames(dict):
    """Turns a set of method ids into their names, for the methods row."""

    def get(self, value, default=None):
        return ", ".join(sorted(dict.get(self, v, str(v)) for v in value))


def _methods_through():
    return ReportEntry.history.model._meta.get_field("historicalreportentry_methods").related_model

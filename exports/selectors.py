"""The rows of the files, from the same scoped querysets as the pages they come from.

A file holds exactly what its user may see on the page: the reports of
`Report.objects.visible_to(user)` whose content counts on the dashboards for that user
(`dashboards.selectors.counted_statuses`: approved for visitors, submitted and approved for
everyone signed in, drafts too for the KKR's secretariat when asked), plus the user's own
municipalities' reports in every state, as the dashboards show a coordinator their own draft.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.permissions import get_scope
from commitments.models import Framework, Initiative
from dashboards.selectors import counted_statuses
from municipalities.models import Municipality
from pilots.models import PilotParticipation, PilotProject
from pilots.selectors import pilot_projects_for_list
from reporting.models import (
    PoliticalAnswer,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
)
from reporting.selectors.rounds import FOLLOW_UP_STATES

Row = list


def exportable_rounds(user: User | AnonymousUser) -> QuerySet[ReportingRound]:
    """Rounds with figures the user may see: opened, of a framework they may see (the
    dashboards' rounds)."""
    return (
        ReportingRound.objects.visible_to(user)
        .exclude(status=ReportingRound.Status.DRAFT)
        .filter(framework__in=Framework.objects.visible_to(user))
    )


def exportable_reports(*, user: User | AnonymousUser, include_drafts: bool) -> QuerySet[Report]:
    """Reports whose answers go into the user's files (see the module's docstring);
    `include_drafts` only for those whom `reporting.permissions.may_include_drafts` allows."""
    statuses = counted_statuses(include_drafts=include_drafts, public=not user.is_authenticated)
    own = get_scope(user).coordinator_municipality_ids
    return Report.objects.visible_to(user).filter(
        Q(status__in=statuses) | Q(municipality_id__in=own)
    )


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def _local_datetime(value: datetime.datetime | None) -> datetime.datetime | None:
    """Excel has no time zones: the Danish wall-clock time."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _labels() -> dict[str, dict]:
    return {
        "level": dict(ReportEntry.ImplementationStatus.choices),
        "participation": dict(ReportEntry.Participation.choices),
        "kind": dict(Initiative.Kind.choices),
        "report": dict(Report.Status.choices),
    }


def _methods(entries: QuerySet[ReportEntry]) -> dict[int, list[str]]:
    """Method names by entry, in one query."""
    through = ReportEntry.methods.through
    names: dict[int, list[str]] = defaultdict(list)
    pairs = (
        through.objects.filter(reportentry__in=entries.values("pk"))
        .order_by("method__name")
        .values_list("reportentry_id", "method__name")
    )
    for entry_id, name in pairs:
        names[entry_id].append(name)
    return names


_ENTRY_FIELDS = (
    "pk",
    "report__municipality__kkr__name",
    "report__round__title",
    "report__municipality__code",
    "report__municipality__name",
    "area_number",
    "area_title",
    "initiative_code",
    "initiative_title",
    "initiative_kind",
    "status",
    "participation",
    "narrative",
    "other_methods",
    "next_steps",
    "report__status",
    "report__submitted_at",
    "report__reviewed_at",
    "carried_over_from__title",
)


def entry_rows(entries: QuerySet[ReportEntry], *, with_round: bool = False) -> Iterator[Row]:
    """One row per entry in the columns of `columns.ENTRY_COLUMNS` (or
    `MUNICIPALITY_ENTRY_COLUMNS` `with_round`), read in chunks: two queries, and the first
    rows are out before the last are read."""
    labels = _labels()
    methods = _methods(entries)
    rows = entries.values_list(*_ENTRY_FIELDS).iterator(chunk_size=2000)
    approved = Report.Status.APPROVED
    for (
        pk,
        kkr,
        round_title,
        m_code,
        m_name,
        area_number,
        area_title,
        i_code,
        i_title,
        kind,
        level,
        participation,
        narrative,
        other_methods,
        next_steps,
        report_status,
        submitted_at,
        reviewed_at,
        carried_over_from,
    ) in rows:
        names = methods.get(pk, [])
        if other_methods:
            names = [*names, other_methods]
        row = [
            kkr,
            m_code,
            m_name,
            f"{area_number}. {area_title}",
            i_code,
            i_title,
            str(labels["kind"][kind]),
            level,
            str(labels["level"][level]) if level is not None else None,
            str(labels["participation"][participation]) if participation else None,
            narrative,
            ", ".join(names),
            next_steps,
            str(labels["report"][report_status]),
            _local_date(submitted_at),
            _local_date(reviewed_at) if report_status == approved else None,
            carried_over_from,
        ]
        if with_round:
            row.insert(1, round_title)
        yield row


def answer_rows(answers: QuerySet[PoliticalAnswer]) -> Iterator[Row]:
    """One row per municipality × political question (`columns.ANSWER_COLUMNS`)."""
    labels = dict(Report.Status.choices)
    rows = answers.values_list(
        "report__municipality__kkr__name",
        "report__round__title",
        "report__municipality__code",
        "report__municipality__name",
        "question__number",
        "question__text",
        "answer",
        "report__council_body",
        "report__council_date",
        "report__status",
    )
    for *values, council_date, status in rows:
        yield [*values, council_date, str(labels[status])]


def pilot_rows(projects: QuerySet[PilotProject]) -> Iterator[Row]:
    """One row per pilot project (`columns.PILOT_COLUMNS`); participants are those who
    accepted, as on the pilot pages."""
    yes, no = gettext("Ja"), gettext("Nej")
    for project in pilot_projects_for_list(projects).order_by("initiative__code", "title"):
        participants = [
            p.municipality.name
            for p in project.participations.all()
            if p.status == PilotParticipation.Status.ACCEPTED
        ]
        yield [
            project.initiative.code,
            project.initiative.title,
            project.title,
            project.lead_municipality.name,
            ", ".join(participants),
            project.get_status_display(),
            project.starts_on,
            project.ends_on,
            yes if project.results_published else no,
        ]


def framework_pilots(*, user: User | AnonymousUser, framework: Framework) -> QuerySet[PilotProject]:
    """The framework's pilot projects the user may see (visitors: results shared only)."""
    return PilotProject.objects.visible_to(user).filter(initiative__framework=framework)


def municipality_pilots(
    *, user: User | AnonymousUser, municipality: Municipality
) -> QuerySet[PilotProject]:
    """Pilot projects the municipality leads or takes part in, among those the user may see."""
    taking_part = PilotParticipation.objects.filter(
        municipality=municipality, status=PilotParticipation.Status.ACCEPTED
    ).values("project_id")
    return PilotProject.objects.visible_to(user).filter(
        Q(lead_municipality=municipality) | Q(pk__in=taking_part)
    )


# Report.progress -> the follow-up page's state (reporting.selectors.rounds.FOLLOW_UP_STATES).
_FOLLOW_UP_KEYS = {
    "not_started": "ikke-paabegyndt",
    "in_progress": "i-gang",
    "submitted": "indsendt",
    "returned": "sendt-retur",
    "approved": "godkendt",
}


def submission_rows(reports: QuerySet[Report], *, follow_up: bool) -> Iterator[Row]:
    """One row per report: its state and dates (`columns.SUBMISSION_COLUMNS`); with
    `follow_up`, also who submitted, the deadlines and the reminders
    (`columns.FOLLOW_UP_COLUMNS`), as on the round's follow-up page."""
    states = {s.key: str(s.label) for s in FOLLOW_UP_STATES}
    reports = (
        reports.select_related("municipality", "round", "submitted_by")
        .annotate(
            reminder_count=Count("events", filter=Q(events__action=ReportEvent.Action.REMINDED)),
            last_reminded_at=Max(
                "events__at", filter=Q(events__action=ReportEvent.Action.REMINDED)
            ),
        )
        .order_by("municipality__name")
    )
    for report in reports:
        row: Row = [
            report.municipality.code,
            report.municipality.name,
            states[_FOLLOW_UP_KEYS[report.progress]],
            _local_datetime(report.submitted_at),
            _local_datetime(report.reviewed_at)
            if report.status == Report.Status.APPROVED
            else None,
        ]
        if follow_up:
            by = report.submitted_by
            row += [
                (by.get_full_name() or by.email) if by else None,
                report.round.deadline,
                report.deadline_override,
                report.deadline_override_reason,
                report.reminder_count,
                _local_datetime(report.last_reminded_at),
            ]
        yield row


# The open data's fields, in order: the CSV's header and each JSON row's keys
# (docs/open-data.md, exports/open_data_schema.json).
OPEN_DATA_FIELDS = [
    "kkr",
    "rammepapir",
    "runde",
    "kommunekode",
    "kommune",
    "omraade_nummer",
    "omraade",
    "indsatskode",
    "indsats",
    "type",
    "status",
    "status_tekst",
    "deltagelse",
    "deltagelse_tekst",
    "beskrivelse",
    "metoder",
    "andre_metoder",
    "naeste_skridt",
    "godkendt",
    # Last so that readers of the columns by position keep working.
    "overfoert_fra",
]
_OPEN_DATA_KINDS: dict[str, str] = {
    Initiative.Kind.MANDATORY: "forpligtende",
    Initiative.Kind.PILOT: "pilot",
}


def open_data_round(slug: str) -> ReportingRound | None:
    """A round whose results are public (published), with its framework and KKR."""
    return (
        exportable_rounds(AnonymousUser())
        .select_related("framework__kkr")
        .filter(slug=slug)
        .first()
    )


def open_data_rounds() -> QuerySet[ReportingRound]:
    """Every published round, newest publication first."""
    return (
        exportable_rounds(AnonymousUser())
        .select_related("framework__kkr")
        .order_by("framework__kkr__name", "-published_at")
    )


def open_data_rows(round_: ReportingRound) -> Iterator[dict]:
    """The round's approved results, one dict per municipality × initiative: what a visitor
    who is not signed in sees (`Report.objects.visible_to` an anonymous user)."""
    reports = Report.objects.visible_to(AnonymousUser()).filter(round=round_)
    entries = ReportEntry.objects.filter(report__in=reports).order_by(
        "report__municipality__name", "position"
    )
    labels = _labels()
    methods = _methods(entries)
    rows = entries.values_list(
        "pk",
        "report__municipality__code",
        "report__municipality__name",
        "area_number",
        "area_title",
        "initiative_code",
        "initiative_title",
        "initiative_kind",
        "status",
        "participation",
        "narrative",
        "other_methods",
        "next_steps",
        "report__reviewed_at",
        "carried_over_from__title",
    ).iterator(chunk_size=2000)
    kkr, framework = round_.framework.kkr.name, round_.framework.title
    for (
        pk,
        m_code,
        m_name,
        area_number,
        area_title,
        i_code,
        i_title,
        kind,
        level,
        participation,
        narrative,
        other_methods,
        next_steps,
        reviewed_at,
        carried_over_from,
    ) in rows:
        yield {
            "kkr": kkr,
            "rammepapir": framework,
            "runde": round_.title,
            "kommunekode": m_code,
            "kommune": m_name,
            "omraade_nummer": area_number,
            "omraade": area_title,
            "indsatskode": i_code,
            "indsats": i_title,
            "type": _OPEN_DATA_KINDS[kind],
            "status": level,
            "status_tekst": str(labels["level"][level]) if level is not None else None,
            "deltagelse": participation or None,
            "deltagelse_tekst": (
                str(labels["participation"][participation]) if participation else None
            ),
            "beskrivelse": narrative,
            "metoder": methods.get(pk, []),
            "andre_metoder": other_methods,
            "naeste_skridt": next_steps,
            "godkendt": _local_date(reviewed_at),
            "overfoert_fra": carried_over_from,
        }

"""What the meeting report shows, read through the dashboards' selectors (decision 22).

The report is one file for everyone who may read the round, so it counts what every signed-in
reader may see: submitted and approved reports (`counted_statuses(include_drafts=False)`),
never drafts, whoever asked for it. A politician's overview page shows the same figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from commitments.models import Framework, Initiative
from dashboards import selectors as figures
from meetings.models import AgendaItem
from municipalities.models import Municipality
from pilots.models import PilotProject
from reporting.models import PoliticalAnswer, ReportEntry, ReportingRound, ReportSummary

STATUSES = figures.counted_statuses(include_drafts=False)


def report_rounds(framework: Framework) -> list[ReportingRound]:
    """The framework's rounds a politician may read (every one but drafts), newest first, as
    the dashboards list them."""
    return list(
        ReportingRound.objects.filter(framework=framework)
        .exclude(status=ReportingRound.Status.DRAFT)
        .order_by("-opens_on")
    )


def _entries() -> QuerySet[ReportEntry]:
    # The dashboards' unfiltered base (dashboards.filters.DashboardFilter).
    return ReportEntry.objects.all()


@dataclass
class InitiativeFigures:
    code: str
    title: str
    counts: list[int]  # answers per level, in LEVELS order
    unanswered: int
    average: float | None


@dataclass
class AreaPage:
    figures: figures.AreaFigures
    initiatives: list[InitiativeFigures]


@dataclass
class Line:
    code: str
    title: str
    kind: str
    level_label: str
    participation_label: str
    narrative: str
    next_steps: str


@dataclass
class MunicipalityPage:
    name: str
    code: str
    report_status: str
    lines: list[Line] = field(default_factory=list)
    pilots: list[tuple[str, str]] = field(default_factory=list)  # project title, role
    answers: list[tuple[int, str, str]] = field(default_factory=list)  # number, question, answer


@dataclass
class MeetingReport:
    round: ReportingRound
    framework: Framework
    meeting_date: datetime.date | None
    overview: figures.Overview
    grid: figures.HeatMap
    changes: figures.Changes
    areas: list[AreaPage]
    municipalities: list[MunicipalityPage]
    not_reported: list[str]

    @property
    def participation(self) -> figures.Participation:
        """The round's reports that count, of all: "Foreløbige tal" below half, as on the
        dashboards (no query: the overview has the counts)."""
        return figures.Participation(self.overview.shared_count, self.overview.municipality_count)


def _area_pages(overview: figures.Overview, grid: figures.HeatMap) -> list[AreaPage]:
    """Per strategic area its figures and, per forpligtende indsats, the answers at each level:
    counted from the heat map's cells, so the area page and the heat map agree."""
    levels = [level.value for level in figures.LEVELS]
    pages = []
    for area in overview.areas:
        initiatives = []
        for index, column in enumerate(grid.columns):
            if column.area_number != area.number or column.kind != Initiative.Kind.MANDATORY:
                continue
            # The lines of counted reports: a report not submitted is no unanswered line.
            values = [
                row.levels[index][1]
                for row in grid.rows
                if row.levels and row.levels[index][1] != figures.NOT_SUBMITTED
            ]
            answered = [value for value in values if isinstance(value, int)]
            initiatives.append(
                InitiativeFigures(
                    code=column.code,
                    title=column.title,
                    counts=[answered.count(level) for level in levels],
                    unanswered=len(values) - len(answered),
                    average=round(sum(answered) / len(answered), 2) if answered else None,
                )
            )
        pages.append(AreaPage(area, initiatives))
    return pages


def _municipality_pages(
    round_: ReportingRound, framework: Framework, grid: figures.HeatMap
) -> list[MunicipalityPage]:
    """One page per municipality whose report counts: its lines (level or participation,
    narrative, next steps), its pilot projects and its council's answers. Three queries and the
    dashboards' pilot overview's four, whatever the number of municipalities."""
    pages = {
        row.code: MunicipalityPage(row.municipality, row.code, row.report_status)
        for row in grid.rows
        if row.report_status in STATUSES
    }
    entries = (
        _entries()
        .filter(report__round=round_, report__status__in=STATUSES)
        .order_by("report__municipality__name", "position")
        .select_related("report__municipality")
    )
    for entry in entries:
        page = pages.get(entry.report.municipality.code)
        if page is None:
            continue
        page.lines.append(
            Line(
                code=entry.initiative_code,
                title=entry.initiative_title,
                kind=entry.initiative_kind,
                level_label=entry.get_status_display() if entry.status is not None else "",
                participation_label=entry.get_participation_display()
                if entry.participation
                else "",
                narrative=entry.narrative,
                next_steps=entry.next_steps,
            )
        )
    pilots = figures.pilot_overview(framework=framework, projects=PilotProject.objects.all())
    roles = {"lead": _("Ansvarlig kommune"), "participant": _("Deltager")}
    for row in pilots.rows:
        page = pages.get(row.code)
        if page is None:
            continue
        for column, role in zip(pilots.columns, row.roles, strict=True):
            if role:
                page.pilots.append((column.project.title, roles[role]))
    answers = (
        PoliticalAnswer.objects.filter(report__round=round_, report__status__in=STATUSES)
        .select_related("question", "report__municipality")
        .order_by("report__municipality__name", "question__number")
    )
    for answer in answers:
        page = pages.get(answer.report.municipality.code)
        if page is not None:
            page.answers.append((answer.question.number, answer.question.text, answer.answer))
    return list(pages.values())


def meeting_date_for(round_: ReportingRound) -> datetime.date | None:
    """The date of the first KKR meeting with an agenda item that links the round."""
    item = (
        AgendaItem.objects.filter(
            reporting_round=round_, meeting__group__owner_kkr_id=round_.framework.kkr_id
        )
        .select_related("meeting")
        .order_by("meeting__date")
        .first()
    )
    return item.meeting.date if item else None


def meeting_report(
    *, round_: ReportingRound, meeting_date: datetime.date | None = None
) -> MeetingReport:
    """Everything the meeting report shows, from the dashboards' selectors."""
    framework = Framework.objects.select_related("kkr").get(pk=round_.framework_id)
    rounds = report_rounds(framework)
    overview = figures.round_overview(
        round_=round_, rounds=rounds, statuses=STATUSES, summaries=ReportSummary.objects.all()
    )
    grid = figures.heat_map(
        round_=round_,
        statuses=STATUSES,
        entries=_entries().filter(initiative_kind=Initiative.Kind.MANDATORY),
    )
    changes = figures.changes_since_previous(
        round_=round_, rounds=rounds, statuses=STATUSES, entries=_entries()
    )
    reported = {row.code for row in grid.rows if row.report_status in STATUSES}
    not_reported = list(
        Municipality.objects.filter(kkr_id=framework.kkr_id)
        .exclude(code__in=reported)
        .order_by("name")
        .values_list("name", flat=True)
    )
    return MeetingReport(
        round=round_,
        framework=framework,
        meeting_date=meeting_date,
        overview=overview,
        grid=grid,
        changes=changes,
        areas=_area_pages(overview, grid),
        municipalities=_municipality_pages(round_, framework, grid),
        not_reported=not_reported,
    )

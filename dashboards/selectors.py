"""Dashboard figures, aggregated in the database and shaped into small dataclasses.

Every function here runs a fixed number of queries whatever the number of municipalities,
rounds or initiatives: aggregates are GROUP BY queries, grids are one flat query shaped in
Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Aggregate,
    Avg,
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext

from accounts.models import User
from accounts.permissions import get_scope
from commitments.models import Framework, Initiative
from municipalities.models import Municipality
from pilots.models import PilotParticipation, PilotProject
from pilots.selectors import pilot_projects_for_list
from reporting.models import (
    PoliticalAnswer,
    Report,
    ReportEntry,
    ReportingRound,
    ReportSummary,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Level = ReportEntry.ImplementationStatus
LEVELS = list(Level)
PARTICIPATIONS = list(ReportEntry.Participation)
SHARED = (Report.Status.SUBMITTED, Report.Status.APPROVED)


def counted_statuses(*, include_drafts: bool, public: bool = False) -> tuple[str, ...]:
    """Report statuses whose content counts on a dashboard: public pages show approved
    reports only; signed-in users also submitted ones; the secretariat may add drafts."""
    if public:
        return (Report.Status.APPROVED,)
    if include_drafts:
        return tuple(Report.Status.values)
    return SHARED


def own_draft_reports(
    *, user: User | AnonymousUser, framework: Framework, round_: ReportingRound
) -> QuerySet[Report] | None:
    """The viewer's own municipalities' reports in the round not yet submitted (draft or
    returned), shown to them alone and marked; None, without a query, when the viewer
    coordinates no municipality in the framework's KKR."""
    scope = get_scope(user)
    if not scope.is_coordinator or framework.kkr_id not in scope.municipality_kkr_ids:
        return None
    return Report.objects.visible_to(user).filter(
        round=round_,
        municipality_id__in=scope.coordinator_municipality_ids,
        status__in=Report.EDITABLE_STATUSES,
    )


@dataclass
class LevelShare:
    level: int | None
    label: str
    count: int
    percent: float
    offset: float = 0.0

    @property
    def display(self) -> str:
        """The segment's name in the active language: the level, "Ikke besvaret" for lines
        without one, "Ikke indsendt" for the lines of reports not submitted."""
        if self.label == NOT_SUBMITTED:
            return gettext("Ikke indsendt")
        return self.label or gettext("Ikke besvaret")


@dataclass
class AreaFigures:
    number: int
    title: str
    # The levels, then unanswered lines (level None), then lines of reports not submitted
    # (level NOT_SUBMITTED): the bar's segments, each share of every line of the round.
    shares: list[LevelShare]
    total: int
    average: float | None
    # Averages over the municipalities whose reports count in both this round and the previous
    # one, and how many they are: a change compares like with like.
    compared_average: float | None = None
    previous_average: float | None = None
    compared: int = 0
    # Counted lines whose answer is still the one carried over from an earlier round.
    carried_over: int = 0

    @property
    def unanswered(self) -> int:
        """Counted lines without a status (not the lines of reports not submitted)."""
        return sum(
            share.count
            for share in self.shares
            if share.level is None and share.label != NOT_SUBMITTED
        )

    @property
    def not_submitted(self) -> int:
        return sum(share.count for share in self.shares if share.label == NOT_SUBMITTED)

    @property
    def change(self) -> float | None:
        if self.compared_average is None or self.previous_average is None:
            return None
        return round(self.compared_average - self.previous_average, 2)


@dataclass
class Participation:
    """How many of a round's reports count for the viewer (submitted, or approved)."""

    counted: int
    total: int

    @property
    def is_partial(self) -> bool:
        """Less than half reported: the figures describe a minority of the municipalities."""
        return 2 * self.counted < self.total


# The bar segment of lines whose report is not submitted (not a level of the scale).
NOT_SUBMITTED = "not_submitted"


def round_participation(
    *, rounds: list[ReportingRound], statuses: tuple[str, ...]
) -> dict[int, Participation]:
    """Per round, the reports that count with `statuses` and all reports (one query)."""
    rows = (
        Report.objects.filter(round__in=rounds)
        .values("round_id")
        .annotate(total=Count("id"), counted=Count("id", filter=Q(status__in=statuses)))
        .order_by()
    )
    return {row["round_id"]: Participation(row["counted"], row["total"]) for row in rows}


def default_round(
    rounds: list[ReportingRound], participation: dict[int, Participation]
) -> ReportingRound:
    """The round a dashboard shows unless asked: the newest (`rounds` come newest first) in
    which at least half the reports count for the viewer; else the newest with any; else the
    newest. Not an almost empty open round when an earlier one has results."""
    for accept in (lambda p: p.counted and not p.is_partial, lambda p: p.counted):
        for round_ in rounds:
            figures = participation.get(round_.pk)
            if figures is not None and accept(figures):
                return round_
    return rounds[0]


@dataclass
class Overview:
    round: ReportingRound
    previous_round: ReportingRound | None
    municipality_count: int
    report_counts: dict[str, int]
    areas: list[AreaFigures]

    @property
    def shared_count(self) -> int:
        """Reports submitted or approved."""
        return sum(self.report_counts.get(status, 0) for status in SHARED)


def _level_shares(
    counts: dict[int | str | None, int],
) -> tuple[list[LevelShare], int, float | None]:
    answered = {k: v for k, v in counts.items() if isinstance(k, int)}
    total = sum(counts.values())
    shares = [
        LevelShare(
            level.value,
            str(level.label),
            counts.get(level.value, 0),
            round(100 * counts.get(level.value, 0) / total, 1) if total else 0.0,
        )
        for level in LEVELS
    ]
    if counts.get(None):
        shares.append(LevelShare(None, "", counts[None], round(100 * counts[None] / total, 1)))
    if counts.get(NOT_SUBMITTED):
        missing = counts[NOT_SUBMITTED]
        shares.append(LevelShare(None, NOT_SUBMITTED, missing, round(100 * missing / total, 1)))
    offset = 0.0
    for share in shares:
        share.offset = offset
        offset += share.percent
    answered_total = sum(answered.values())
    average = (
        round(sum(k * v for k, v in answered.items()) / answered_total, 2)
        if answered_total
        else None
    )
    return shares, total, average


def previous_round(round_: ReportingRound, rounds: list[ReportingRound]) -> ReportingRound | None:
    earlier = [r for r in rounds if r.opens_on < round_.opens_on]
    return max(earlier, key=lambda r: r.opens_on) if earlier else None


def round_overview(
    *,
    round_: ReportingRound,
    rounds: list[ReportingRound],
    statuses: tuple[str, ...],
    summaries: QuerySet[ReportSummary],
) -> Overview:
    """Submissions, the share at each status level per area, change since last round; the
    areas' bars count the report lines summarised in `summaries` (the page's filters applied
    to the reports' summaries, `DashboardFilter.summaries`: a few rows per report instead of
    every line).

    Every line of the round is in its area's bar: lines of reports that do not count yet
    (not submitted) are a segment of their own, so a round in progress never draws full bars.
    The change since the previous round compares only the municipalities whose reports count
    in both rounds, and says how many they are. Two queries: the reports of both rounds, and
    the lines of both grouped by area, level, counted or not, and compared or not."""
    before = previous_round(round_, rounds)
    round_ids = [r.pk for r in (round_, before) if r]
    reports = Report.objects.filter(round_id__in=round_ids).values_list(
        "round_id", "municipality_id", "status"
    )
    report_counts: dict[str, int] = defaultdict(int)
    counted_in: dict[int, set[int]] = defaultdict(set)
    for round_id, municipality_id, status in reports:
        if round_id == round_.pk:
            report_counts[status] += 1
        if status in statuses:
            counted_in[round_id].add(municipality_id)
    both = counted_in[round_.pk] & counted_in[before.pk] if before else set()
    rows = (
        summaries.filter(round_id__in=round_ids, initiative_kind=Initiative.Kind.MANDATORY)
        .annotate(
            counted=Case(
                When(report__status__in=statuses, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            compared=Case(
                When(report__municipality_id__in=both, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values(
            "report__round_id",
            "report__municipality_id",
            "area_number",
            "area_title",
            "status",
            "counted",
            "compared",
        )
        .annotate(n=Sum("lines"), carried=Sum("carried_over"))
        .order_by()
    )
    titles: dict[int, str] = {}
    bars: dict[int, dict[int | str | None, int]] = defaultdict(lambda: defaultdict(int))
    carried: dict[int, int] = defaultdict(int)
    compared: dict[tuple[int, int], dict[int | str | None, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    # The municipalities compared, per area: those of `both` that the page's filters keep.
    compared_municipalities: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        number, level = row["area_number"], row["status"]
        if row["report__round_id"] == round_.pk:
            titles[number] = row["area_title"]
            bars[number][level if row["counted"] else NOT_SUBMITTED] += row["n"]
            if row["counted"]:
                carried[number] += row["carried"]
        if row["counted"] and row["compared"]:
            compared[(row["report__round_id"], number)][level] += row["n"]
            compared_municipalities[number].add(row["report__municipality_id"])
    areas = []
    for number in sorted(titles):
        shares, total, average = _level_shares(bars[number])
        figures = AreaFigures(
            number, titles[number], shares, total, average, carried_over=carried[number]
        )
        if before is not None and compared_municipalities[number]:
            figures.compared_average = _level_shares(compared[(round_.pk, number)])[2]
            figures.previous_average = _level_shares(compared[(before.pk, number)])[2]
            figures.compared = len(compared_municipalities[number])
        areas.append(figures)
    return Overview(
        round=round_,
        previous_round=before,
        municipality_count=sum(report_counts.values()),
        report_counts=dict(report_counts),
        areas=areas,
    )


@dataclass
class PilotFigures:
    projects: int
    municipalities: int


def pilot_figures(*, projects: QuerySet[PilotProject], framework_id: int) -> PilotFigures:
    """Active pilot projects of the framework among `projects` (those the viewer may see) and
    the municipalities taking part (one query; not cached, since pilot projects change outside
    reporting rounds)."""
    figures = projects.filter(
        initiative__framework_id=framework_id,
        status__in=[PilotProject.Status.PLANNED, PilotProject.Status.RUNNING],
    ).aggregate(
        projects=Count("id", distinct=True),
        municipalities=Count(
            "participations__municipality",
            filter=Q(participations__status=PilotParticipation.Status.ACCEPTED),
            distinct=True,
        ),
    )
    return PilotFigures(figures["projects"], figures["municipalities"])


@dataclass
class HeatColumn:
    code: str
    title: str
    area_number: int
    kind: str = Initiative.Kind.MANDATORY


@dataclass
class HeatCell:
    code: str
    # A level, a participation, None (not answered) or NOT_SUBMITTED (the report does not
    # count for the viewer: not submitted, or not approved for a visitor).
    level: int | str | None
    label: str


@dataclass
class HeatRow:
    """One municipality's row. The levels are kept as (initiative code, level) pairs, which
    pickle and unpickle ten times faster than 60 cell objects (the grid is cached). A pilot
    initiative's "level" is the municipality's participation (ReportEntry.Participation)."""

    municipality: str
    code: str
    report_id: int | None
    report_status: str
    levels: list[tuple[str, int | str | None]] = field(default_factory=list)
    # The viewer's own report, not yet submitted: shown to them alone (own_draft_reports).
    draft: bool = False

    @property
    def cells(self) -> list[HeatCell]:
        labels: dict[int | str | None, str] = {level.value: str(level.label) for level in LEVELS}
        labels.update((p.value, str(p.label)) for p in PARTICIPATIONS)
        labels[NOT_SUBMITTED] = gettext("Ikke indsendt")
        return [HeatCell(code, level, labels.get(level, "")) for code, level in self.levels]

    @property
    def progress(self) -> float:
        levels = [level for _code, level in self.levels if isinstance(level, int)]
        return sum(levels) / len(levels) if levels else -1


@dataclass
class HeatMap:
    columns: list[HeatColumn]
    areas: list[tuple[int, str, int]]  # number, title, column span
    rows: list[HeatRow]


class _JoinedText(Aggregate):
    """A group's texts joined by commas: STRING_AGG, or GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


# One heat-map cell as text: "code:value", the value a mandatory initiative's level (empty when
# unanswered) or a pilot initiative's participation (empty when unanswered).
_CELL = Concat(
    "initiative_code",
    Value(":"),
    Case(
        When(
            initiative_kind=Initiative.Kind.MANDATORY,
            then=Coalesce(Cast("status", TextField()), Value("")),
        ),
        default="participation",
        output_field=TextField(),
    ),
    output_field=TextField(),
)
# The texts back to the values HeatRow.levels holds; an unanswered cell is None.
_CELL_VALUES: dict[str | None, int | str | None] = {
    **{str(level.value): level.value for level in LEVELS},
    **{p.value: p.value for p in PARTICIPATIONS},
    "": None,
    None: None,
}


def heat_map(
    *,
    round_: ReportingRound,
    statuses: tuple[str, ...],
    entries: QuerySet[ReportEntry],
    sort: str = "name",
) -> HeatMap:
    """Municipalities × the initiatives in `entries` (the page's filters), each cell the
    reported status level of a mandatory initiative or the participation in a pilot one.

    98 municipalities × 60 initiatives are 5,880 cells. Fetched and shaped one by one they
    cost most of the page's CPU, so the database joins each report's cells into one text
    ("1.F1:3,1.F2:,…": code and value) and Python splits 98 texts (docs/performance.md).
    The columns come from one report's lines; only if another report has initiatives that
    one lacks (a report made after its framework changed) does a third query read them all."""
    in_round = entries.filter(report__round=round_)
    column_fields = (
        "initiative_code",
        "initiative_title",
        "initiative_kind",
        "area_number",
        "area_title",
    )
    first_report = in_round.order_by("report_id").values("report_id")[:1]
    column_rows = list(
        in_round.filter(report_id=Subquery(first_report))
        .order_by("position")
        .values_list(*column_fields)
    )
    reports = (
        in_round.values_list(
            "report_id",
            "report__status",
            "report__municipality__name",
            "report__municipality__code",
        )
        .annotate(cells=_JoinedText(_CELL))
        .order_by("report__municipality__name")
    )
    counted = frozenset(statuses)
    rows: dict[str, HeatRow] = {}
    found: list[tuple[HeatRow, dict[str, str] | None]] = []
    seen: set[str] = set()
    for report_id, report_status, name, code, cells in reports:
        # "1.F1:3,1.F2:" -> {"1.F1": "3", "1.F2": ""}; values hold no "," or ":", and codes
        # neither (the initiative_code_format constraint; lines copy their initiative's code).
        parts = cells.replace(",", ":").split(":")
        values = dict(zip(parts[::2], parts[1::2], strict=True))
        seen.update(values)
        row = rows.setdefault(code, HeatRow(name, code, report_id, report_status, []))
        found.append((row, values if report_status in counted else None))
    if not seen.issubset(code for code, *_rest in column_rows):
        column_rows = list(
            in_round.order_by("position", "initiative_code")
            .values_list("position", *column_fields)
            .distinct()
        )
        column_rows = [column[1:] for column in column_rows]
    columns: dict[str, HeatColumn] = {}
    area_titles: dict[int, str] = {}
    for i_code, i_title, kind, a_no, a_title in column_rows:
        if i_code not in columns:
            columns[i_code] = HeatColumn(i_code, i_title, a_no, kind)
            area_titles[a_no] = a_title
    codes = list(columns)
    not_submitted = [(code, NOT_SUBMITTED) for code in codes]
    for row, counted_values in found:
        if counted_values is None:
            # A report that does not count: every cell says so, unlike an unanswered line.
            row.levels = list(not_submitted)
            continue
        # 5,880 cells: looked up with map() rather than a Python loop (a missing value is None).
        row.levels = list(
            zip(codes, map(_CELL_VALUES.get, map(counted_values.get, codes)), strict=True)
        )
    spans: dict[int, int] = defaultdict(int)
    for column in columns.values():
        spans[column.area_number] += 1
    result_rows = list(rows.values())
    if sort == "progress":
        result_rows.sort(key=lambda r: (-r.progress, r.municipality))
    return HeatMap(
        columns=list(columns.values()),
        areas=[(n, area_titles[n], spans[n]) for n in sorted(spans)],
        rows=result_rows,
    )


def heat_map_with_own_drafts(
    grid: HeatMap,
    *,
    round_: ReportingRound,
    entries: QuerySet[ReportEntry],
    drafts: QuerySet[Report],
    sort: str = "name",
) -> HeatMap:
    """The (cached, shared) grid with the rows of the viewer's own not-yet-submitted reports
    filled in and marked as drafts. The grid's queries, never cached: the rows are the viewer's
    alone."""
    own = heat_map(
        round_=round_, statuses=Report.EDITABLE_STATUSES, entries=entries.filter(report__in=drafts)
    )
    if not own.rows:
        return grid
    codes = [column.code for column in grid.columns]
    drafted = {}
    for row in own.rows:
        levels = dict(row.levels)
        drafted[row.code] = replace(
            row, levels=[(code, levels.get(code)) for code in codes], draft=True
        )
    rows = [drafted.get(row.code, row) for row in grid.rows]
    if sort == "progress":
        rows.sort(key=lambda r: (-r.progress, r.municipality))
    return replace(grid, rows=rows)


@dataclass
class ManyRoadsEntry:
    municipality: str
    code: str
    report_id: int
    report_status: str
    level: int | None
    level_label: str
    narrative: str
    methods: list[str]
    other_methods: str


def initiative_roads(
    *,
    round_: ReportingRound,
    code: str,
    statuses: tuple[str, ...],
    entries: QuerySet[ReportEntry],
) -> list[ManyRoadsEntry]:
    """How every municipality in `entries` (the page's filters) works with one initiative:
    status, narrative, methods."""
    entries = (
        entries.filter(
            report__round=round_,
            initiative_code=code,
            report__status__in=statuses,
        )
        .select_related("report__municipality")
        .prefetch_related("methods")
        .order_by("-status", "report__municipality__name")
    )
    return [
        ManyRoadsEntry(
            municipality=e.report.municipality.name,
            code=e.report.municipality.code,
            report_id=e.report_id,
            report_status=e.report.status,
            level=e.status,
            level_label=e.get_status_display() if e.status is not None else "",
            narrative=e.narrative,
            methods=[m.name for m in e.methods.all()],
            other_methods=e.other_methods,
        )
        for e in entries
    ]


@dataclass
class ProfileRow:
    """One initiative: the level per round (a pilot initiative: the participation)."""

    code: str
    title: str
    area_number: int
    kind: str
    levels: list[tuple[ReportingRound, int | str | None, str]]
    kkr_average: float | None
    # The current round's value comes from the viewer's own report, not yet submitted.
    draft: bool = False


def profile_cells(
    rounds: list[ReportingRound],
    values: dict[int, int | str | None],
    answered_rounds: set[int],
    labels: dict[object, StrOrPromise],
) -> list[tuple[ReportingRound, int | str | None, str]]:
    """One profile row's cells, oldest round first: the level (or participation) with its label;
    None with "Ikke besvaret" for a line the report left open; NOT_SUBMITTED in a round where
    the municipality's report does not count (not submitted, or not shown to the viewer), so the
    two never look alike."""
    cells: list[tuple[ReportingRound, int | str | None, str]] = []
    for r in rounds:
        if r.pk in values:
            value = values[r.pk]
            label = labels.get(value) if value is not None else gettext("Ikke besvaret")
            cells.append((r, value, str(label or "")))
        elif r.pk not in answered_rounds:
            cells.append((r, NOT_SUBMITTED, gettext("Ikke indsendt")))
        else:
            cells.append((r, None, gettext("Ikke med i runden")))
    return cells


def municipality_profile(
    *,
    municipality: Municipality,
    framework: Framework,
    rounds: list[ReportingRound],
    current: ReportingRound,
    statuses: tuple[str, ...],
    entries: QuerySet[ReportEntry],
    drafts: QuerySet[Report] | None = None,
) -> list[ProfileRow]:
    """The municipality's level on every initiative in `entries` (the page's filters), round
    after round, and the KKR average in the current round. With `drafts` (the viewer's own
    reports not yet submitted) the current round's values include the municipality's draft,
    marked; the KKR average never does."""
    counted = Q(report__status__in=statuses)
    if drafts is not None:
        counted |= Q(report__in=drafts)
    own = (
        entries.filter(report__municipality=municipality, report__round__in=rounds)
        .filter(counted)
        .values_list(
            "report__round_id",
            "report__status",
            "initiative_code",
            "initiative_title",
            "initiative_kind",
            "area_number",
            "status",
            "participation",
        )
    )
    levels: dict[str, dict[int, int | str | None]] = defaultdict(dict)
    titles: dict[str, tuple[str, int, str]] = {}
    drafted: set[str] = set()
    answered_rounds: set[int] = set()
    for round_id, report_status, code, title, kind, area_number, status, participation in own:
        mandatory = kind == Initiative.Kind.MANDATORY
        levels[code][round_id] = status if mandatory else participation or None
        answered_rounds.add(round_id)
        titles.setdefault(code, (title, area_number, kind))
        if drafts is not None and report_status in Report.EDITABLE_STATUSES:
            drafted.add(code)
    averages = dict(
        entries.filter(
            report__round=current,
            report__status__in=statuses,
            initiative_kind=Initiative.Kind.MANDATORY,
            status__isnull=False,
        )
        .values_list("initiative_code")
        .annotate(avg=Avg(Cast("status", FloatField())))
        .order_by()
    )
    labels: dict[object, StrOrPromise] = {
        **dict(Level.choices),
        **dict(ReportEntry.Participation.choices),
    }
    ordered_rounds = sorted(rounds, key=lambda r: r.opens_on)
    rows = []
    codes = sorted(titles, key=lambda c: (titles[c][1], c))
    for code in codes:
        title, area_number, kind = titles[code]
        rows.append(
            ProfileRow(
                code=code,
                title=title,
                area_number=area_number,
                kind=kind,
                levels=profile_cells(ordered_rounds, levels[code], answered_rounds, labels),
                kkr_average=round(averages[code], 2) if code in averages else None,
                draft=code in drafted,
            )
        )
    return rows


@dataclass
class TrendPoint:
    round: ReportingRound
    average: float | None
    answers: int


@dataclass
class AreaTrend:
    number: int
    title: str
    points: list[TrendPoint]


def area_trends(
    *,
    rounds: list[ReportingRound],
    statuses: tuple[str, ...],
    summaries: QuerySet[ReportSummary],
) -> list[AreaTrend]:
    """The average status level per strategic area in every round, oldest round first, over
    the report lines summarised in `summaries` (the page's filters applied to the reports'
    summaries: for 20 rounds of 98 reports some 33,000 rows instead of 117,600 lines)."""
    rows = (
        summaries.filter(
            round__in=rounds,
            report__status__in=statuses,
            initiative_kind=Initiative.Kind.MANDATORY,
            status__isnull=False,
        )
        .values("report__round_id", "area_number")
        .annotate(
            levels=Sum(F("status") * F("lines")), n=Sum("lines"), area_title=Max("area_title")
        )
        .order_by()
    )
    figures = {
        (r["report__round_id"], r["area_number"]): {"avg": r["levels"] / r["n"], "n": r["n"]}
        for r in rows
    }
    titles = {r["area_number"]: r["area_title"] for r in rows}
    ordered = sorted(rounds, key=lambda r: r.opens_on)
    trends = []
    for number in sorted(titles):
        points = []
        for round_ in ordered:
            row = figures.get((round_.pk, number))
            points.append(
                TrendPoint(round_, round(row["avg"], 2) if row else None, row["n"] if row else 0)
            )
        trends.append(AreaTrend(number, titles[number], points))
    return trends


@dataclass
class Movement:
    code: str
    title: str
    before: int | None
    after: int | None
    before_label: str
    after_label: str

    @property
    def direction(self) -> str:
        if self.before is None or self.after is None:
            return "new"
        return "up" if self.after > self.before else "down"


@dataclass
class MunicipalityChanges:
    name: str
    code: str
    movements: list[Movement]
    new_narratives: list[str]


@dataclass
class Changes:
    current: ReportingRound
    previous: ReportingRound | None
    municipalities: list[MunicipalityChanges]
    # The municipalities compared: those whose reports count in both rounds (and that the
    # page's filters keep), as the overview's `AreaFigures.compared`.
    compared: int = 0

    @property
    def ups(self) -> int:
        return sum(1 for m in self.municipalities for mv in m.movements if mv.direction == "up")

    @property
    def downs(self) -> int:
        return sum(1 for m in self.municipalities for mv in m.movements if mv.direction == "down")


def changes_since_previous(
    *,
    round_: ReportingRound,
    rounds: list[ReportingRound],
    statuses: tuple[str, ...],
    entries: QuerySet[ReportEntry],
) -> Changes:
    """What moved between the previous round and this one in `entries` (the page's filters):
    levels up or down, new narratives.

    Only the municipalities whose reports count in both rounds are compared, so that a report
    not submitted last round does not show as "new answers" (nor one not submitted yet as
    nothing changed); their number is `Changes.compared`. One query: the two rounds' counted
    reports are subqueries of it."""
    before = previous_round(round_, rounds)
    if before is None:
        return Changes(round_, None, [])

    def counted_in(round_id: int) -> QuerySet[Report, dict[str, Any]]:
        return Report.objects.filter(round_id=round_id, status__in=statuses).values(
            "municipality_id"
        )

    rows = (
        entries.filter(
            report__round__in=[round_, before],
            report__status__in=statuses,
            initiative_kind=Initiative.Kind.MANDATORY,
            report__municipality_id__in=counted_in(round_.pk),
        )
        .filter(report__municipality_id__in=counted_in(before.pk))
        # By id, not name: the municipalities are sorted by name below, and sorting 11,760
        # rows by a name under the database's collation took 19 of the query's 27 ms.
        .order_by("report__municipality_id", "position")
        .values_list(
            "report__round_id",
            "report__municipality__name",
            "report__municipality__code",
            "initiative_code",
            "initiative_title",
            "status",
            "narrative",
        )
    )
    answers: dict[tuple[str, str], dict[int, tuple[int | None, str]]] = defaultdict(dict)
    names: dict[str, str] = {}
    titles: dict[str, str] = {}
    for round_id, name, m_code, i_code, i_title, level, narrative in rows:
        answers[(m_code, i_code)][round_id] = (level, narrative)
        names[m_code] = name
        titles[i_code] = i_title
    labels: dict[int | None, StrOrPromise] = dict(Level.choices)
    by_municipality: dict[str, MunicipalityChanges] = {}
    for (m_code, i_code), per_round in answers.items():
        if round_.pk not in per_round:
            continue
        after, narrative_after = per_round[round_.pk]
        before_level, narrative_before = per_round.get(before.pk, (None, ""))
        changes = by_municipality.setdefault(
            m_code, MunicipalityChanges(names[m_code], m_code, [], [])
        )
        if after != before_level and after is not None:
            changes.movements.append(
                Movement(
                    i_code,
                    titles[i_code],
                    before_level,
                    after,
                    str(labels.get(before_level, "")),
                    str(labels.get(after, "")),
                )
            )
        if narrative_after.strip() and narrative_after != narrative_before:
            changes.new_narratives.append(i_code)
    municipalities = sorted(
        (m for m in by_municipality.values() if m.movements or m.new_narratives),
        key=lambda m: m.name,
    )
    return Changes(round_, before, municipalities, compared=len(names))


def new_pilot_projects(
    *, round_: ReportingRound, previous: ReportingRound | None, projects: QuerySet[PilotProject]
) -> list[PilotProject]:
    """The framework's projects among `projects` (those the viewer may see, narrowed by the
    page's filters) started since the previous round opened; none without a previous round."""
    if previous is None:
        return []
    return list(
        projects.filter(
            initiative__framework_id=round_.framework_id, created_at__date__gte=previous.opens_on
        )
        .select_related("lead_municipality", "initiative")
        .order_by("title")
    )


def municipality_pilots(
    *, projects: QuerySet[PilotProject], municipality: Municipality, framework: Framework
) -> list[PilotProject]:
    """The framework's pilot projects among `projects` (those the viewer may see) that the
    municipality leads or takes part in."""
    return list(
        projects.filter(initiative__framework=framework)
        .filter(
            Q(lead_municipality=municipality)
            | Q(
                participations__municipality=municipality,
                participations__status=PilotParticipation.Status.ACCEPTED,
            )
        )
        .select_related("initiative", "lead_municipality")
        .distinct()
        .order_by("initiative__code", "title")
    )


def municipality_answers(
    *,
    municipality: Municipality,
    round_: ReportingRound,
    statuses: tuple[str, ...],
    drafts: QuerySet[Report] | None = None,
) -> list[PoliticalAnswer]:
    """The municipality's answers to the round's political questions, if its report counts
    or is one of the viewer's own `drafts`."""
    counted = Q(report__status__in=statuses)
    if drafts is not None:
        counted |= Q(report__in=drafts)
    return list(
        PoliticalAnswer.objects.filter(
            counted, report__round=round_, report__municipality=municipality
        )
        .select_related("question", "report")
        .order_by("question__number")
    )


@dataclass
class PilotEntry:
    """A pilot project with the municipalities that accepted to take part, by name."""

    project: PilotProject
    participants: list[Municipality]

    @property
    def municipality_count(self) -> int:
        """The lead and the participants."""
        return 1 + len(self.participants)


@dataclass
class PilotInitiativeGroup:
    code: str
    title: str
    entries: list[PilotEntry]


@dataclass
class PilotGridRow:
    name: str
    code: str
    roles: list[str]  # per project column: "lead", "participant" or ""

    @property
    def count(self) -> int:
        return sum(1 for role in self.roles if role)


@dataclass
class PilotOverview:
    initiatives: list[PilotInitiativeGroup]
    rows: list[PilotGridRow]

    @property
    def columns(self) -> list[PilotEntry]:
        return [entry for group in self.initiatives for entry in group.entries]

    @property
    def column_groups(self) -> list[PilotInitiativeGroup]:
        return [group for group in self.initiatives if group.entries]

    @property
    def taking_part(self) -> int:
        return sum(1 for row in self.rows if row.count)


def pilot_overview(
    *,
    framework: Framework,
    projects: QuerySet[PilotProject],
    area: int | None = None,
    municipality_codes: list[str] | None = None,
) -> PilotOverview:
    """Every pilot initiative of the framework (of one strategic area, if given) with its
    projects (from `projects`, already scoped to the viewer and filtered), and a grid of the
    KKR's municipalities (those given, if any) × those projects.

    Only the lead and municipalities that accepted count as taking part: invitations are the
    lead's business, not news for the KKR. Four queries: initiatives, projects, their
    participations, the KKR's municipalities."""
    initiatives = Initiative.objects.pilots().filter(framework=framework)
    if area is not None:
        initiatives = initiatives.filter(block__area__number=area)
    rows = initiatives.in_display_order().values_list("pk", "code", "title")
    groups = {pk: PilotInitiativeGroup(code, title, []) for pk, code, title in rows}
    scoped = projects.filter(initiative__in=list(groups)).order_by("title")
    for project in pilot_projects_for_list(scoped):
        participants = [
            p.municipality
            for p in project.participations.all()
            if p.status == PilotParticipation.Status.ACCEPTED
        ]
        groups[project.initiative_id].entries.append(PilotEntry(project, participants))
    overview = PilotOverview(list(groups.values()), [])
    roles = []
    for entry in overview.columns:
        taking_part = dict.fromkeys((m.pk for m in entry.participants), "participant")
        taking_part[entry.project.lead_municipality_id] = "lead"
        roles.append(taking_part)
    municipalities = Municipality.objects.filter(kkr_id=framework.kkr_id).order_by("name")
    if municipality_codes:
        municipalities = municipalities.filter(code__in=municipality_codes)
    for pk, name, code in municipalities.values_list("pk", "name", "code"):
        overview.rows.append(
            PilotGridRow(name, code, [taking_part.get(pk, "") for taking_part in roles])
        )
    return overview

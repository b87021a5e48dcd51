"""Dashboards that follow an initiative across framework revisions (decision 27).

A revision's own rounds are answered on its own initiatives; the rounds before it were
answered on their predecessors (`Initiative.predecessor`, followed back by
`commitments.selectors.initiative_lineage`). The municipality profile, the trend and the
"many roads" page add those earlier rounds, each answer under the code the initiative has
now, and say in which framework the wording changed. Everything here costs a fixed number of
queries, whatever the number of revisions and rounds: the chain (two), the earlier rounds
(one), and one query of answers per page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Sum
from django.utils.translation import gettext

from accounts.models import User
from commitments.models import Framework, Initiative
from commitments.selectors import InitiativeLineage, initiative_lineage
from dashboards.selectors import (
    AreaTrend,
    ManyRoadsEntry,
    ProfileRow,
    TrendPoint,
    profile_cells,
)
from municipalities.models import Municipality
from reporting.models import ReportEntry, ReportingRound

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class EarlierRounds:
    """The rounds answered on the frameworks a framework revises, and how their
    initiatives map onto the framework's own codes."""

    lineage: InitiativeLineage
    # Newest first, as a dashboard's own rounds; only those the viewer may see, not drafts.
    rounds: list[ReportingRound]

    def __bool__(self) -> bool:
        return bool(self.rounds)

    @property
    def framework_titles(self) -> dict[int, str]:
        return {f.pk: f.title for f in self.lineage.frameworks}

    def wording_notes(self, code: str) -> list[str]:
        """ "Formuleringen blev ændret i <rammepapir>" for each framework where it did."""
        return [
            gettext("Formuleringen blev ændret i %(framework)s") % {"framework": _label(f)}
            for f in self.lineage.wording_changes(code)
        ]

    def changes(self) -> list[tuple[str, list[str]]]:
        """Per framework, the initiatives (present codes) whose wording changed in it."""
        return [(_label(f), codes) for f, codes in self.lineage.changes_by_framework()]


def _label(framework: Framework) -> str:
    if framework.adopted_on:
        return gettext("%(title)s (vedtaget %(year)s)") % {
            "title": framework.title,
            "year": framework.adopted_on.year,
        }
    return framework.title


def earlier_rounds(*, user: User | AnonymousUser, framework: Framework) -> EarlierRounds:
    """The rounds on the framework's predecessors that the viewer may see (no query for a
    framework that revises nothing)."""
    lineage = initiative_lineage(framework=framework)
    if not lineage.earlier_framework_ids:
        return EarlierRounds(lineage, [])
    rounds = list(
        ReportingRound.objects.visible_to(user)
        .filter(framework_id__in=lineage.earlier_framework_ids)
        .exclude(status=ReportingRound.Status.DRAFT)
        .select_related("framework")
        .order_by("-opens_on")
    )
    return EarlierRounds(lineage, rounds)


# --- the municipality profile ---------------------------------------------------------------


@dataclass
class LineageProfileRow(ProfileRow):
    """A profile row with the rounds answered on the initiative's predecessors first."""

    wording_notes: list[str] = field(default_factory=list)


def profile_across_revisions(
    rows: list[ProfileRow],
    *,
    earlier: EarlierRounds,
    rounds: list[ReportingRound],
    municipality: Municipality,
    statuses: tuple[str, ...],
    kind: str | None,
    area: int | None,
) -> list[ProfileRow]:
    """The profile's rows with the earlier rounds' levels before their own (one query); an
    initiative answered only in earlier rounds gets a row of its own."""
    if not earlier:
        return rows
    code_of = earlier.lineage.code_of()
    answers = (
        ReportEntry.objects.filter(
            report__round__in=earlier.rounds,
            report__municipality=municipality,
            report__status__in=statuses,
            initiative_id__in=list(code_of),
        )
        .order_by()
        .values_list(
            "report__round_id", "initiative_id", "initiative_kind", "status", "participation"
        )
    )
    levels: dict[str, dict[int, int | str | None]] = defaultdict(dict)
    answered_rounds: set[int] = set()
    for round_id, initiative_id, initiative_kind, status, participation in answers:
        mandatory = initiative_kind == Initiative.Kind.MANDATORY
        levels[code_of[initiative_id]][round_id] = status if mandatory else participation or None
        answered_rounds.add(round_id)
    labels: dict[object, StrOrPromise] = {
        **dict(ReportEntry.ImplementationStatus.choices),
        **dict(ReportEntry.Participation.choices),
    }
    ordered = sorted(earlier.rounds, key=lambda r: r.opens_on)
    by_code = {row.code: row for row in rows}
    for code in levels.keys() - by_code.keys():
        title, initiative_kind, area_number, _area_title = earlier.lineage.initiatives[code]
        if (kind is None or initiative_kind == kind) and (area is None or area_number == area):
            by_code[code] = ProfileRow(
                code=code,
                title=title,
                area_number=area_number,
                kind=initiative_kind,
                levels=[
                    (r, None, gettext("Ikke med i runden"))
                    for r in sorted(rounds, key=lambda r: r.opens_on)
                ],
                kkr_average=None,
            )
    result: list[ProfileRow] = []
    for code in sorted(by_code, key=lambda c: (by_code[c].area_number, c)):
        row = by_code[code]
        before = profile_cells(ordered, levels[code], answered_rounds, labels)
        result.append(
            LineageProfileRow(
                **{**row.__dict__, "levels": [*before, *row.levels]},
                wording_notes=earlier.wording_notes(code),
            )
        )
    return result


# --- the trend ------------------------------------------------------------------------------


def trends_across_revisions(
    trends: list[AreaTrend],
    *,
    earlier: EarlierRounds,
    rounds: list[ReportingRound],
    statuses: tuple[str, ...],
    area: int | None,
) -> list[AreaTrend]:
    """Each area's trend with the earlier rounds' averages first, counted under the area
    each answer's initiative has now (one query)."""
    if not earlier:
        return trends
    code_of = earlier.lineage.code_of()
    current = earlier.lineage.initiatives
    rows = (
        ReportEntry.objects.filter(
            report__round__in=earlier.rounds,
            report__status__in=statuses,
            initiative_kind=Initiative.Kind.MANDATORY,
            status__isnull=False,
            initiative_id__in=list(code_of),
        )
        .values("report__round_id", "initiative_id")
        .annotate(total=Sum("status"), n=Count("id"))
        .order_by()
    )
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        number = current[code_of[row["initiative_id"]]][2]
        figures = sums[(row["report__round_id"], number)]
        figures[0] += row["total"]
        figures[1] += row["n"]
    titles = {t.number: t.title for t in trends}
    titles.update(
        (number, title)
        for _title, _kind, number, title in current.values()
        if number not in titles and any(key[1] == number for key in sums)
    )
    by_number = {t.number: t for t in trends}
    ordered_own = sorted(rounds, key=lambda r: r.opens_on)
    result = []
    for number in sorted(titles):
        if area is not None and number != area:
            continue
        points = []
        for round_ in sorted(earlier.rounds, key=lambda r: r.opens_on):
            total, n = sums.get((round_.pk, number), (0, 0))
            points.append(TrendPoint(round_, round(total / n, 2) if n else None, n))
        own = by_number.get(number)
        own_points = own.points if own else [TrendPoint(r, None, 0) for r in ordered_own]
        result.append(AreaTrend(number, titles[number], [*points, *own_points]))
    return result


# --- the "many roads" page ------------------------------------------------------------------


@dataclass
class EarlierRoads:
    """One earlier round's answers on the initiative's predecessor, as worded then."""

    round: ReportingRound
    framework: str
    code: str
    title: str
    text: str
    roads: list[ManyRoadsEntry]


def roads_across_revisions(
    *,
    earlier: EarlierRounds,
    code: str,
    statuses: tuple[str, ...],
    status: int | None,
    municipality_codes: list[str] | None,
) -> list[EarlierRoads]:
    """The answers given on the initiative's predecessors in the earlier rounds, newest
    round first (one query, and one for the methods named)."""
    ancestors = earlier.lineage.ancestors.get(code, [])
    if not earlier or not ancestors:
        return []
    entries = ReportEntry.objects.filter(
        report__round__in=earlier.rounds,
        report__status__in=statuses,
        initiative_id__in=[a.initiative_id for a in ancestors],
    )
    if status is not None:
        entries = entries.filter(status=status)
    if municipality_codes:
        entries = entries.filter(report__municipality__code__in=municipality_codes)
    by_round: dict[int, EarlierRoads] = {}
    titles = earlier.framework_titles
    rounds = {r.pk: r for r in earlier.rounds}
    for entry in (
        entries.select_related("report__municipality")
        .prefetch_related("methods")
        .order_by("-status", "report__municipality__name")
    ):
        round_ = rounds[entry.report.round_id]
        group = by_round.setdefault(
            round_.pk,
            EarlierRoads(
                round_,
                titles.get(round_.framework_id, ""),
                entry.initiative_code,
                entry.initiative_title,
                entry.initiative_text,
                [],
            ),
        )
        group.roads.append(
            ManyRoadsEntry(
                municipality=entry.report.municipality.name,
                code=entry.report.municipality.code,
                report_id=entry.report_id,
                report_status=entry.report.status,
                level=entry.status,
                level_label=entry.get_status_display() if entry.status is not None else "",
                narrative=entry.narrative,
                methods=[m.name for m in entry.methods.all()],
                other_methods=entry.other_methods,
            )
        )
    return [by_round[r.pk] for r in earlier.rounds if r.pk in by_round]

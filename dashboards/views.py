"""Dashboards: where the municipalities of a KKR stand, at a glance and in depth."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe
from weasyprint import CSS, HTML

from accounts.permissions import get_scope
from commitments.models import Framework, Initiative
from dashboards import charts, lineage, rendering, selectors
from dashboards.cache import cached, page_cached, render_page
from dashboards.filters import DashboardFilter
from municipalities.models import Municipality
from pilots.models import PilotProject
from reporting import permissions as report_permissions
from reporting.models import Report, ReportingRound


@dataclass
class DashboardContext:
    framework: Framework
    rounds: list[ReportingRound]
    round: ReportingRound
    include_drafts: bool
    may_include_drafts: bool
    public: bool
    filters: DashboardFilter
    # The viewer's own reports in the round, not yet submitted; None when there can be none.
    own_drafts: QuerySet[Report] | None
    # Per round of `rounds`, by its id: the reports that count (submitted or approved;
    # approved for visitors).
    participation_by_round: dict[int, selectors.Participation]

    @property
    def participation(self) -> selectors.Participation:
        """The chosen round's reports that count."""
        return self.participation_by_round.get(self.round.pk, selectors.Participation(0, 0))

    @property
    def statuses(self) -> tuple[str, ...]:
        return selectors.counted_statuses(include_drafts=self.include_drafts, public=self.public)

    def key(self, *parts: object) -> tuple:
        """Cache key parts: the page, the framework (whose predecessors' rounds a page may
        add, decision 27), the round, the counted statuses, every value of the page's form,
        then `parts`."""
        return (
            self.filters.page,
            self.framework.pk,
            self.round.pk,
            self.statuses,
            *self.filters.key_parts(),
            *parts,
        )

    def as_dict(self) -> dict:
        return {
            "framework": self.framework,
            "rounds": self.rounds,
            "round": self.round,
            "include_drafts": self.include_drafts,
            "may_include_drafts": self.may_include_drafts,
            "public": self.public,
            "filters": self.filters,
            "links": self.filters.links,
            "participation": self.participation,
        }


def _dashboard(request: HttpRequest, slug: str, page: str) -> DashboardContext:
    """The framework, its reportable rounds, and the page's filters (dashboards/filters.py):
    the chosen round, the drafts toggle and what narrows the figures."""
    framework = get_object_or_404(
        Framework.objects.visible_to(request.user).select_related("kkr"), slug=slug
    )
    rounds = list(
        ReportingRound.objects.visible_to(request.user)
        .filter(framework=framework)
        .exclude(status=ReportingRound.Status.DRAFT)
        .order_by("-opens_on")
    )
    if not rounds:
        raise Http404
    may_include_drafts = report_permissions.may_include_drafts(request.user, framework.kkr_id)
    # Results are what is shared (drafts are a choice of the page, not results of a round).
    shared = selectors.counted_statuses(
        include_drafts=False, public=not request.user.is_authenticated
    )
    participation = cached(
        "participation",
        rounds,
        (shared,),
        lambda: selectors.round_participation(rounds=rounds, statuses=shared),
    )
    filters = DashboardFilter(
        request.GET,
        page=page,
        framework=framework,
        rounds=rounds,
        default_round=selectors.default_round(rounds, participation),
        may_include_drafts=may_include_drafts,
    )
    round_ = filters.round
    return DashboardContext(
        framework=framework,
        rounds=rounds,
        round=round_,
        include_drafts=filters.include_drafts,
        may_include_drafts=may_include_drafts,
        public=not request.user.is_authenticated,
        filters=filters,
        own_drafts=selectors.own_draft_reports(
            user=request.user, framework=framework, round_=round_
        ),
        participation_by_round=participation,
    )


def _overview_figures(dashboard: DashboardContext) -> selectors.Overview:
    return cached(
        "overview",
        dashboard.rounds,
        dashboard.key(),
        lambda: selectors.round_overview(
            round_=dashboard.round,
            rounds=dashboard.rounds,
            statuses=dashboard.statuses,
            summaries=dashboard.filters.summaries,
        ),
    )


def _heat_map_grid(dashboard: DashboardContext, entries: QuerySet) -> selectors.HeatMap:
    return cached(
        "heat_map",
        [dashboard.round],
        dashboard.key(),
        lambda: selectors.heat_map(
            round_=dashboard.round,
            statuses=dashboard.statuses,
            entries=entries,
            sort=dashboard.filters.sort,
        ),
    )


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    rounds = ReportingRound.objects.visible_to(request.user).exclude(
        status=ReportingRound.Status.DRAFT
    )
    frameworks = (
        Framework.objects.visible_to(request.user)
        .filter(rounds__in=rounds)
        .select_related("kkr")
        .distinct()
        .order_by("kkr__name", "title")
    )
    return render(request, "dashboards/index.html", {"frameworks": frameworks})


@login_not_required
@require_safe
@page_cached("overview")
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard = _dashboard(request, slug, "overview")
    figures = _overview_figures(dashboard)
    context = {
        **dashboard.as_dict(),
        "overview": figures,
        "pilots": selectors.pilot_figures(
            projects=PilotProject.objects.visible_to(request.user),
            framework_id=dashboard.framework.pk,
        ),
        "levels": selectors.LEVELS,
        # The same SVG charts as the meeting report's summary (dashboards/charts.py).
        "submission_chart": charts.submission_chart(figures),
        "submission_rows": charts.submission_rows(figures),
        "area_chart": charts.area_levels_chart(figures),
    }
    return render_page(request, "dashboards/overview.html", context)


@login_not_required
@require_safe
@page_cached("heat_map")
def heat_map(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard = _dashboard(request, slug, "heat_map")
    grid = _heat_map_grid(dashboard, dashboard.filters.qs)
    if dashboard.own_drafts is not None:
        # The viewer's own draft rows are theirs alone: read for them, never cached.
        grid = selectors.heat_map_with_own_drafts(
            grid,
            round_=dashboard.round,
            entries=dashboard.filters.qs,
            drafts=dashboard.own_drafts,
            sort=dashboard.filters.sort,
        )
    links = dashboard.filters.links
    # 5,880 cells for 98 municipalities: rendered compactly, not cell by cell in the template
    # (docs/decisions/0007-dashboard-performance.md).
    rows = rendering.heat_map_rows(
        grid,
        slug=dashboard.framework.slug,
        querystring=links["municipality"],
        public=dashboard.public,
    )
    context = {
        **dashboard.as_dict(),
        "grid": grid,
        "rows": rows,
        "column_links": rendering.column_links(
            grid, slug=dashboard.framework.slug, querystring=links["initiative"]
        ),
        "kind": dashboard.filters.kind,
        "levels": selectors.LEVELS,
        "participations": rendering.participation_legend(),
    }
    return render_page(request, "dashboards/heat_map.html", context)


@login_not_required
@require_safe
@page_cached("initiative")
def initiative(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    dashboard = _dashboard(request, slug, "initiative")
    initiative = get_object_or_404(dashboard.framework.initiatives, code=code)
    earlier = lineage.earlier_rounds(user=request.user, framework=dashboard.framework)
    earlier_roads = cached(
        "initiative_earlier",
        earlier.rounds,
        dashboard.key(code),
        lambda: lineage.roads_across_revisions(
            earlier=earlier,
            code=code,
            statuses=dashboard.statuses,
            status=dashboard.filters.value("status"),
            municipality_codes=dashboard.filters.value("kommune"),
        ),
    )
    roads = cached(
        "initiative",
        [dashboard.round],
        dashboard.key(code),
        lambda: selectors.initiative_roads(
            round_=dashboard.round,
            code=code,
            statuses=dashboard.statuses,
            entries=dashboard.filters.qs,
        ),
    )
    # The viewer's own draft is theirs alone: read for them, never cached.
    own_drafts = (
        selectors.initiative_roads(
            round_=dashboard.round,
            code=code,
            statuses=Report.EDITABLE_STATUSES,
            entries=dashboard.filters.qs.filter(report__in=dashboard.own_drafts),
        )
        if dashboard.own_drafts is not None
        else []
    )
    context = {
        **dashboard.as_dict(),
        "initiative": initiative,
        "roads": roads,
        "own_drafts": own_drafts,
        "earlier_roads": earlier_roads,
        "wording_notes": earlier.wording_notes(code),
    }
    return render_page(request, "dashboards/initiative.html", context)


@login_not_required
@require_safe
@page_cached("municipality")
def municipality(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    dashboard = _dashboard(request, slug, "municipality")
    municipality = get_object_or_404(
        Municipality.objects.filter(kkr=dashboard.framework.kkr), code=code
    )
    # The viewer's own municipality's draft is shown to them: the figures with it are keyed by
    # the municipality and the round's results_version, so only its own coordinators share them.
    drafts = (
        dashboard.own_drafts.filter(municipality=municipality)
        if dashboard.own_drafts is not None
        and municipality.pk in get_scope(request.user).coordinator_municipality_ids
        else None
    )
    earlier = lineage.earlier_rounds(user=request.user, framework=dashboard.framework)
    # The rounds answered on the framework's predecessors come first (decision 27).
    all_rounds = [*dashboard.rounds, *earlier.rounds]
    rows = cached(
        "municipality",
        all_rounds,
        dashboard.key(municipality.pk, drafts is not None),
        lambda: lineage.profile_across_revisions(
            selectors.municipality_profile(
                municipality=municipality,
                framework=dashboard.framework,
                rounds=dashboard.rounds,
                current=dashboard.round,
                statuses=dashboard.statuses,
                entries=dashboard.filters.qs,
                drafts=drafts,
            ),
            earlier=earlier,
            rounds=dashboard.rounds,
            municipality=municipality,
            statuses=dashboard.statuses,
            kind=dashboard.filters.kind,
            area=dashboard.filters.value("omraade"),
        ),
    )
    draft_shown = any(row.draft for row in rows)
    # Rounds × initiatives (1,200 cells for 20 rounds of 60) cost ~40 ms through the template
    # engine: the table is rendered once per key, like the figures it shows.
    table = cached(
        "municipality_table",
        all_rounds,
        dashboard.key(municipality.pk, drafts is not None),
        lambda: render_to_string(
            "dashboards/_profile_table.html",
            {
                "framework": dashboard.framework,
                "rounds": all_rounds,
                "earlier": earlier,
                "round": dashboard.round,
                "table_rows": list(
                    zip(rows, rendering.profile_cells(rows, current=dashboard.round), strict=True)
                ),
                "draft_shown": draft_shown,
                "links": dashboard.filters.links,
                "participation": dashboard.participation,
                "include_drafts": dashboard.include_drafts,
                "public": dashboard.public,
            },
        ),
    )
    context = {
        **dashboard.as_dict(),
        "municipality": municipality,
        "rows": rows,
        "table": table,
        "draft_shown": draft_shown,
        "kind": dashboard.filters.kind,
        "levels": selectors.LEVELS,
        "participations": rendering.participation_legend(),
        "pilots": selectors.municipality_pilots(
            projects=PilotProject.objects.visible_to(request.user),
            municipality=municipality,
            framework=dashboard.framework,
        ),
        "answers": selectors.municipality_answers(
            municipality=municipality,
            round_=dashboard.round,
            statuses=dashboard.statuses,
            drafts=drafts,
        ),
    }
    return render_page(request, "dashboards/municipality.html", context)


@login_not_required
@require_safe
@page_cached("trend")
def trend(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard = _dashboard(request, slug, "trend")
    earlier = lineage.earlier_rounds(user=request.user, framework=dashboard.framework)
    trends = cached(
        "trend",
        [*dashboard.rounds, *earlier.rounds],
        dashboard.key(),
        lambda: lineage.trends_across_revisions(
            selectors.area_trends(
                rounds=dashboard.rounds,
                statuses=dashboard.statuses,
                summaries=dashboard.filters.summaries,
            ),
            earlier=earlier,
            rounds=dashboard.rounds,
            statuses=dashboard.statuses,
            area=dashboard.filters.value("omraade"),
        ),
    )
    context = {
        **dashboard.as_dict(),
        "trends": trends,
        "participation_by_round": dashboard.participation_by_round,
        "max_level": 4,
        "earlier": earlier,
        "wording_changes": earlier.changes() if earlier else [],
    }
    return render_page(request, "dashboards/trend.html", context)


@login_not_required
@require_safe
@page_cached("changes")
def changes(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard = _dashboard(request, slug, "changes")
    result = cached(
        "changes",
        dashboard.rounds,
        dashboard.key(),
        lambda: selectors.changes_since_previous(
            round_=dashboard.round,
            rounds=dashboard.rounds,
            statuses=dashboard.statuses,
            entries=dashboard.filters.qs,
        ),
    )
    # Not among the figures cached by the rounds' results, like the overview's pilot figures:
    # pilot projects change outside rounds. The whole page is kept under the framework's
    # pilots_version and the viewer's scope too (dashboards/cache.py).
    new_pilots = selectors.new_pilot_projects(
        round_=dashboard.round,
        previous=result.previous,
        projects=dashboard.filters.filter_pilots(PilotProject.objects.visible_to(request.user)),
    )
    context = {**dashboard.as_dict(), "changes": result, "new_pilots": new_pilots}
    return render_page(request, "dashboards/changes.html", context)


@login_not_required
@require_safe
def handout_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The round's overview and heat map as an A4 PDF handout for a KKR meeting."""
    dashboard = _dashboard(request, slug, "handout_pdf")
    figures = _overview_figures(dashboard)
    grid = _heat_map_grid(
        dashboard, dashboard.filters.qs.filter(initiative_kind=Initiative.Kind.MANDATORY)
    )
    html = render_to_string(
        "dashboards/handout_pdf.html",
        {
            **dashboard.as_dict(),
            "overview": figures,
            "pilots": selectors.pilot_figures(
                projects=PilotProject.objects.visible_to(request.user),
                framework_id=dashboard.framework.pk,
            ),
            "grid": grid,
            "levels": selectors.LEVELS,
            "generated_at": timezone.localtime(),
        },
        request=request,
    )
    stylesheet = CSS(filename=finders.find("css/handout.css"))
    pdf = HTML(string=html).write_pdf(stylesheets=[stylesheet])
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{dashboard.framework.slug}-{dashboard.round.slug}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
@require_safe
@page_cached("pilots")
def pilots(request: HttpRequest, slug: str) -> HttpResponse:
    """The framework's pilot projects by initiative, and who takes part in what.

    Kept whole under the framework's pilots_version (pilot projects change outside rounds)
    and the viewer's scope, like every dashboard page (dashboards/cache.py)."""
    dashboard = _dashboard(request, slug, "pilots")
    filters = dashboard.filters
    overview = selectors.pilot_overview(
        framework=dashboard.framework,
        projects=filters.filter_pilots(PilotProject.objects.visible_to(request.user)),
        area=filters.value("omraade"),
        municipality_codes=filters.value("kommune"),
    )
    return render_page(
        request, "dashboards/pilots.html", {**dashboard.as_dict(), "pilots": overview}
    )

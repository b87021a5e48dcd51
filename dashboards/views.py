"""Dashboards: where the municipalities of a KKR stand, at a glance and in depth."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from weasyprint import CSS, HTML

from accounts.permissions import get_scope
from commitments.models import Framework
from dashboards import rendering, selectors, services
from dashboards.cache import cached
from municipalities.models import Municipality
from reporting.models import PilotProject, ReportEntry, ReportingRound


@dataclass
class DashboardContext:
    framework: Framework
    rounds: list[ReportingRound]
    round: ReportingRound
    include_drafts: bool
    may_include_drafts: bool
    public: bool

    @property
    def statuses(self) -> tuple[str, ...]:
        return selectors.counted_statuses(include_drafts=self.include_drafts, public=self.public)

    def as_dict(self) -> dict:
        return {
            "framework": self.framework,
            "rounds": self.rounds,
            "round": self.round,
            "include_drafts": self.include_drafts,
            "may_include_drafts": self.may_include_drafts,
            "public": self.public,
        }


def _dashboard(request: HttpRequest, slug: str) -> DashboardContext:
    """The framework, its reportable rounds, the chosen round and the drafts toggle."""
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
    chosen = request.GET.get("runde")
    round_ = next((r for r in rounds if r.slug == chosen), rounds[0])
    scope = get_scope(request.user)
    may_include_drafts = request.user.is_superuser or framework.kkr_id in scope.secretariat_kkr_ids
    include_drafts = may_include_drafts and request.GET.get("kladder") == "1"
    public = not request.user.is_authenticated
    return DashboardContext(framework, rounds, round_, include_drafts, may_include_drafts, public)


def _overview_figures(dashboard: DashboardContext) -> selectors.Overview:
    return cached(
        "overview",
        dashboard.rounds,
        (dashboard.round.pk, dashboard.statuses),
        lambda: selectors.round_overview(
            round_=dashboard.round, rounds=dashboard.rounds, statuses=dashboard.statuses
        ),
    )


def _heat_map_grid(dashboard: DashboardContext, sort: str) -> selectors.HeatMap:
    return cached(
        "heat_map",
        [dashboard.round],
        (dashboard.statuses, sort),
        lambda: selectors.heat_map(round_=dashboard.round, statuses=dashboard.statuses, sort=sort),
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
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard = _dashboard(request, slug)
    figures = _overview_figures(dashboard)
    context = {
        **dashboard.as_dict(),
        "overview": figures,
        "pilots": selectors.pilot_figures(
            projects=PilotProject.objects.visible_to(request.user),
            framework_id=dashboard.framework.pk,
        ),
        "levels": selectors.LEVELS,
    }
    return render(request, "dashboards/overview.html", context)


@login_not_required
@require_safe
def heat_map(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard = _dashboard(request, slug)
    sort = "progress" if request.GET.get("sortering") == "fremdrift" else "name"
    grid = _heat_map_grid(dashboard, sort)
    # Links keep the chosen round and drafts toggle, not the sort order.
    params = request.GET.copy()
    params.pop("sortering", None)
    querystring = f"?{params.urlencode()}" if params else ""
    # 5,880 cells for 98 municipalities: rendered compactly, not cell by cell in the template
    # (docs/decisions/0007-dashboard-performance.md).
    rows = rendering.heat_map_rows(
        grid, slug=dashboard.framework.slug, querystring=querystring, public=dashboard.public
    )
    context = {
        **dashboard.as_dict(),
        "grid": grid,
        "rows": rows,
        "column_links": rendering.column_links(
            grid, slug=dashboard.framework.slug, querystring=querystring
        ),
        "sort": sort,
        "levels": selectors.LEVELS,
    }
    return render(request, "dashboards/heat_map.html", context)


@login_not_required
@require_safe
def initiative(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    dashboard = _dashboard(request, slug)
    initiative = get_object_or_404(dashboard.framework.initiatives, code=code)
    level_param = request.GET.get("status", "")
    level = int(level_param) if level_param.isdigit() else None
    roads = cached(
        "initiative",
        [dashboard.round],
        (code, dashboard.statuses, level),
        lambda: selectors.initiative_roads(
            round_=dashboard.round, code=code, statuses=dashboard.statuses, level=level
        ),
    )
    context = {
        **dashboard.as_dict(),
        "initiative": initiative,
        "roads": roads,
        "level": level,
        "levels": ReportEntry.ImplementationStatus.choices,
    }
    return render(request, "dashboards/initiative.html", context)


@login_not_required
@require_safe
def municipality(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    dashboard = _dashboard(request, slug)
    municipality = get_object_or_404(
        Municipality.objects.filter(kkr=dashboard.framework.kkr), code=code
    )
    rows = cached(
        "municipality",
        dashboard.rounds,
        (municipality.pk, dashboard.round.pk, dashboard.statuses),
        lambda: selectors.municipality_profile(
            municipality=municipality,
            framework=dashboard.framework,
            rounds=dashboard.rounds,
            current=dashboard.round,
            statuses=dashboard.statuses,
        ),
    )
    context = {
        **dashboard.as_dict(),
        "municipality": municipality,
        "rows": rows,
        "pilots": selectors.municipality_pilots(
            projects=PilotProject.objects.visible_to(request.user),
            municipality=municipality,
            framework=dashboard.framework,
        ),
        "answers": selectors.municipality_answers(
            municipality=municipality, round_=dashboard.round, statuses=dashboard.statuses
        ),
    }
    return render(request, "dashboards/municipality.html", context)


@login_not_required
@require_safe
def trend(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard = _dashboard(request, slug)
    trends = cached(
        "trend",
        dashboard.rounds,
        (dashboard.statuses,),
        lambda: selectors.area_trends(rounds=dashboard.rounds, statuses=dashboard.statuses),
    )
    context = {**dashboard.as_dict(), "trends": trends, "max_level": 4}
    return render(request, "dashboards/trend.html", context)


@login_not_required
@require_safe
def changes(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard = _dashboard(request, slug)
    result = cached(
        "changes",
        dashboard.rounds,
        (dashboard.round.pk, dashboard.statuses),
        lambda: selectors.changes_since_previous(
            round_=dashboard.round, rounds=dashboard.rounds, statuses=dashboard.statuses
        ),
    )
    return render(request, "dashboards/changes.html", {**dashboard.as_dict(), "changes": result})


def _round_action(request: HttpRequest, slug: str, round_slug: str, action, done: str):
    round_ = get_object_or_404(
        ReportingRound.objects.visible_to(request.user).select_related("framework"),
        framework__slug=slug,
        slug=round_slug,
    )
    try:
        action(actor=request.user, round_=round_)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(f"{reverse('dashboards:overview', args=[slug])}?runde={round_slug}")


@require_POST
def publish(request: HttpRequest, slug: str, round_slug: str) -> HttpResponse:
    return _round_action(
        request,
        slug,
        round_slug,
        services.round_publish,
        _("Rundens godkendte resultater er nu offentlige."),
    )


@require_POST
def unpublish(request: HttpRequest, slug: str, round_slug: str) -> HttpResponse:
    return _round_action(
        request,
        slug,
        round_slug,
        services.round_unpublish,
        _("Rundens resultater er ikke længere offentlige."),
    )


@login_not_required
@require_safe
def handout_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The round's overview and heat map as an A4 PDF handout for a KKR meeting."""
    dashboard = _dashboard(request, slug)
    figures = _overview_figures(dashboard)
    grid = _heat_map_grid(dashboard, "name")
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
def pilots(request: HttpRequest, slug: str) -> HttpResponse:
    """The framework's pilot projects by initiative, and who takes part in what.

    Not cached, like the overview's pilot figures: pilot projects change outside rounds."""
    dashboard = _dashboard(request, slug)
    overview = selectors.pilot_overview(
        framework=dashboard.framework, projects=PilotProject.objects.visible_to(request.user)
    )
    return render(request, "dashboards/pilots.html", {**dashboard.as_dict(), "pilots": overview})

"""Reference pages for the benchmark, served by the same gunicorn as the dashboards.

- bare: the heat map's cells from ONE SQL query in one minimal template. It is the least a
  Django page can do for the same cells: the same middleware and session as the dashboards, no
  base template, no header, no `{% url %}` per cell.
- floor: the least any signed-in page can do: the same middleware, session and user, no query
  of its own and a fixed body. No signed-in page can be faster.
- chrome: the portal's base template (header, menus, footer) around an empty page: what every
  signed-in page pays before its own content.
"""

from __future__ import annotations

from pathlib import Path

from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_safe

from commitments.models import Initiative
from reporting.models import ReportEntry, ReportingRound

TEMPLATE = engines["django"].from_string((Path(__file__).parent / "bare.html").read_text())
LABELS = dict(ReportEntry.ImplementationStatus.choices)


@require_safe
def bare(request: HttpRequest, slug: str) -> HttpResponse:
    latest = (
        ReportingRound.objects.filter(framework__slug=slug)
        .exclude(status=ReportingRound.Status.DRAFT)
        .order_by("-opens_on")
        .values("pk")[:1]
    )
    cells = (
        ReportEntry.objects.filter(
            report__round=Subquery(latest), initiative_kind=Initiative.Kind.MANDATORY
        )
        .order_by("report__municipality__name", "position")
        .values_list("report__municipality__name", "report_id", "initiative_code", "status")
    )
    rows: list[tuple[str, int, list]] = []
    for name, report_id, code, level in cells:
        if not rows or rows[-1][0] != name:
            rows.append((name, report_id, []))
        rows[-1][2].append((code, level, LABELS.get(level, "")))
    prefix = reverse("reporting:report_detail", args=[0]).removesuffix("0/")
    return HttpResponse(TEMPLATE.render({"rows": rows, "prefix": prefix}, request))


@require_safe
def floor(request: HttpRequest) -> HttpResponse:
    name = escape(request.user.get_full_name())
    return HttpResponse(f"<!DOCTYPE html><title>Floor</title><p>{name}</p>")


@require_safe
def chrome(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")

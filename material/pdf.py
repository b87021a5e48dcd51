"""The meeting report as an A4 PDF (WeasyPrint): its pages rendered from templates, one
municipality's annex page at a time so that the job can tell how far it has come."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML

from dashboards import charts
from dashboards.selectors import LEVELS
from material.selectors import MeetingReport

Progress = Callable[[int, int, str], None]


def _ignore(done: int, total: int, message: str) -> None:
    """No one is watching (a benchmark, a test)."""


def render_meeting_report(report: MeetingReport, *, progress: Progress = _ignore) -> bytes:
    """The PDF; `progress(done, total, message)` is called after each step: the figures, each
    municipality's annex page, and the page layout (the last and longest step)."""
    total = len(report.municipalities) + 2
    progress(1, total, _("Tallene er samlet."))
    annex = []
    for done, page in enumerate(report.municipalities, start=2):
        annex.append(render_to_string("material/_municipality_page.html", {"page": page}))
        progress(done, total, page.name)
    html = render_to_string(
        "material/meeting_report.html",
        {
            "report": report,
            "overview": report.overview,
            "round": report.round,
            "framework": report.framework,
            "grid": report.grid,
            "levels": LEVELS,
            "submission_chart": charts.submission_chart(report.overview),
            "area_chart": charts.area_levels_chart(report.overview),
            "annex": mark_safe("".join(annex)),  # noqa: S308  # nosec B308  # templates escaped it
            "generated_at": timezone.localtime(),
        },
    )
    stylesheet = CSS(filename=finders.find("css/meeting_report.css"))
    pdf = HTML(string=html).write_pdf(stylesheets=[stylesheet])
    progress(total, total, _("Siderne er sat op."))
    return pdf

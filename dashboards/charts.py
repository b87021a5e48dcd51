"""Charts drawn on the server as SVG, from the dashboards' figures (decision 22).

The same markup goes into the dashboard pages and the meeting report PDF, which runs no
JavaScript. Colours are SVG presentation attributes (`fill=`), allowed by the strict CSP
(which forbids `style=`) and understood by WeasyPrint, which does not apply the page's
stylesheet to inline SVG. Every chart is an `<svg role="img">` named by its `<title>` and
described by its `<desc>`; the page shows the same figures as a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dashboards.selectors import NOT_SUBMITTED, LevelShare, Overview

LEVEL_FILLS: dict[int | None, str] = {
    0: "#c0392b",
    1: "#d9822b",
    2: "#c9a400",
    3: "#3c8d5a",
    4: "#1e5e36",
}
NO_ANSWER_FILL = "#c8c8c8"
# Lines of reports not submitted: white with a grey outline, as on the dashboard's bars.
NOT_SUBMITTED_FILL = "#ffffff"
NOT_SUBMITTED_STROKE = "#6c757d"
SUBMISSION_FILLS = {"approved": "#1e5e36", "submitted": "#3c8d5a", "missing": NOT_SUBMITTED_FILL}

WIDTH = 600
LABEL_HEIGHT = 16  # the row's label stands above its bar
BAR_HEIGHT = 18
ROW_HEIGHT = 42


@dataclass(frozen=True)
class Segment:
    label: str
    count: int
    fill: str


@dataclass(frozen=True)
class ChartRow:
    label: str
    segments: list[Segment]

    @property
    def total(self) -> int:
        return sum(segment.count for segment in self.segments)


def _describe(rows: list[ChartRow]) -> str:
    return " ".join(
        f"{row.label}: "
        + ", ".join(f"{segment.label} {segment.count}" for segment in row.segments)
        + "."
        for row in rows
    )


def stacked_bars(*, chart_id: str, title: str, rows: list[ChartRow]) -> SafeString:
    """One horizontal bar per row, split into its segments in proportion to their counts, the
    row's label above it and each wide-enough segment's count inside it."""
    parts = []
    for index, row in enumerate(rows):
        label_y = index * ROW_HEIGHT + LABEL_HEIGHT - 4
        y = index * ROW_HEIGHT + LABEL_HEIGHT
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="13" fill="#111">{}</text>', label_y, row.label
            )
        )
        x = 0.0
        for segment in row.segments:
            if not segment.count or not row.total:
                continue
            width = WIDTH * segment.count / row.total
            outline = segment.fill == NOT_SUBMITTED_FILL
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}>'
                    "<title>{}: {}</title></rect>",
                    f"{x:.2f}",
                    y,
                    f"{width:.2f}",
                    BAR_HEIGHT,
                    segment.fill,
                    format_html(' stroke="{}" stroke-width="1"', NOT_SUBMITTED_STROKE)
                    if outline
                    else "",
                    segment.label,
                    segment.count,
                )
            )
            if width >= 24:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="{}">'
                        "{}</text>",
                        f"{x + width / 2:.2f}",
                        y + BAR_HEIGHT - 5,
                        "#111" if segment.fill in (NO_ANSWER_FILL, NOT_SUBMITTED_FILL) else "#fff",
                        segment.count,
                    )
                )
            x += width
    height = max(len(rows), 1) * ROW_HEIGHT
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        width=WIDTH,
        height=height,
        id=chart_id,
        title=title,
        desc=_describe(rows),
        body=format_html_join("", "{}", ((part,) for part in parts)),
    )


def submission_rows(overview: Overview) -> list[ChartRow]:
    approved = overview.report_counts.get("approved", 0)
    submitted = overview.report_counts.get("submitted", 0)
    missing = overview.municipality_count - approved - submitted
    return [
        ChartRow(
            _("Kommuner"),
            [
                Segment(_("Godkendt"), approved, SUBMISSION_FILLS["approved"]),
                Segment(_("Indsendt, ikke godkendt"), submitted, SUBMISSION_FILLS["submitted"]),
                Segment(_("Ikke indsendt"), missing, SUBMISSION_FILLS["missing"]),
            ],
        )
    ]


def submission_chart(overview: Overview, *, chart_id: str = "chart-submission") -> SafeString:
    """How many of the round's municipalities have reported: approved, submitted, missing."""
    return stacked_bars(
        chart_id=chart_id, title=_("Indsendelse i runden"), rows=submission_rows(overview)
    )


def _share_segment(share: LevelShare) -> Segment:
    if share.label == NOT_SUBMITTED:
        return Segment(_("Ikke indsendt"), share.count, NOT_SUBMITTED_FILL)
    return Segment(
        share.label or _("Ikke besvaret"), share.count, LEVEL_FILLS.get(share.level, NO_ANSWER_FILL)
    )


def area_rows(overview: Overview) -> list[ChartRow]:
    return [
        ChartRow(f"{area.number}. {area.title}", [_share_segment(s) for s in area.shares])
        for area in overview.areas
    ]


def area_levels_chart(overview: Overview, *, chart_id: str = "chart-areas") -> SafeString:
    """The forpligtende indsatser's answers per strategic area, split by status level."""
    return stacked_bars(
        chart_id=chart_id,
        title=_("Status pr. målsætningsområde"),
        rows=area_rows(overview),
    )

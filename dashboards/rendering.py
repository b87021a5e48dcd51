"""The heat map's rows as compact HTML.

98 municipalities × 60 initiatives are 5,880 cells. Through the Django template engine (five
tags and a `{% url %}` per cell) they cost about 40 µs each, over 200 ms of CPU per page;
here every distinct cell (initiative × level) is formatted and escaped once, a row is a join
of those strings, and the row's report address is put in with one `replace`: about 0.1 µs a
cell (docs/performance.md, docs/decisions/0007-dashboard-performance.md and 0009). Labels use
`&ndash;` rather than "–", which keeps the 730 KB body a one-byte-per-character string.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from commitments.models import Initiative
from dashboards.selectors import (
    LEVELS,
    NOT_SUBMITTED,
    PARTICIPATIONS,
    HeatColumn,
    HeatMap,
    Movement,
    ProfileRow,
)
from reporting.models import ReportingRound

# A pilot initiative's cell shows the municipality's participation as a shape, so that the
# heat map reads without colour (the legend and each cell's label give the words).
PARTICIPATION_SYMBOLS = {"no": "○", "considering": "◐", "participating": "●", "lead": "★"}

_REPORT_ID = 2_147_483_647  # stands in for the report id when reversing the URL once
_CODE = "~code~"  # stands in for a code when reversing a URL once (no slug has a "~")
_LINK = "\x00"  # stands in for the row's report address in a cell (escaped text has no NUL)


class _Cells(dict):
    """(initiative code, value) -> the cell; any other key (not answered, not counted, or a
    value outside the choices) -> the empty cell."""

    def __init__(self, missing: str):
        super().__init__()
        self.missing = missing

    def __missing__(self, key: tuple) -> str:
        return self.missing


def column_links(grid: HeatMap, *, slug: str, querystring: str) -> list[tuple[HeatColumn, str]]:
    """Each column with the address of its initiative page (one `reverse` for all 60)."""
    url = reverse("dashboards:initiative", args=[slug, _CODE]).split(_CODE)
    return [(c, f"{url[0]}{c.code}{url[1]}{querystring}") for c in grid.columns]


def heat_map_rows(grid: HeatMap, *, slug: str, querystring: str, public: bool) -> SafeString:
    """The `<tr>` rows of the heat map's body: municipality, then one cell per initiative.

    `querystring` (with its leading "?", or empty) is kept on the municipality links."""
    missing = f'<td class="level-none" aria-label="{escape(gettext("Ikke besvaret"))}">·</td>'
    # A report that does not count for the viewer (not submitted; for a visitor, not
    # approved): its own mark, so that a round in progress does not read as unanswered lines.
    not_submitted = (
        f'<td class="level-not_submitted" aria-label="{escape(gettext("Ikke indsendt"))}">'
        "&ndash;</td>"
    )
    # value -> (CSS class, text in the cell, label), for mandatory and for pilot initiatives.
    # A level's label starts with the digit the cell shows, so that what is seen is also what
    # is heard (WCAG 2.5.3, axe's label-content-name-mismatch); a shape is only described.
    levels = {
        level.value: (
            f"level-{level.value}",
            str(level.value),
            f"{level.value} &ndash; {escape(str(level.label))}",
        )
        for level in LEVELS
    }
    participations = {
        p.value: (f"participation-{p.value}", PARTICIPATION_SYMBOLS[p.value], escape(str(p.label)))
        for p in PARTICIPATIONS
    }
    pieces = _Cells(missing)
    for column in grid.columns:
        code = escape(column.code)
        pieces[column.code, NOT_SUBMITTED] = not_submitted
        values = levels if column.kind == Initiative.Kind.MANDATORY else participations
        for value, (css, text, label) in values.items():
            if public:
                pieces[column.code, value] = (
                    f'<td class="{css}" aria-label="{code}: {label}">{text}</td>'
                )
            else:
                pieces[column.code, value] = (
                    f'<td class="{css}"><a href="{_LINK}#indsats-{code}" '
                    f'aria-label="{code}: {label}">{text}</a></td>'
                )
    report_url = reverse("reporting:report_detail", args=[_REPORT_ID]).split(str(_REPORT_ID))
    town_url = reverse("dashboards:municipality", args=[slug, _CODE]).split(_CODE)
    town_query = escape(querystring)
    draft_mark = (
        f' <span class="badge draft-badge">{escape(gettext("Kladde – ikke indsendt"))}</span>'
    )
    rows = []
    for row in grid.rows:
        cells = "".join(map(pieces.__getitem__, row.levels))
        if not public:
            cells = cells.replace(_LINK, f"{report_url[0]}{row.report_id}{report_url[1]}")
        rows.append(
            ('\n    <tr class="own-draft">\n' if row.draft else "\n    <tr>\n")
            + '      <th scope="row" class="fw-normal text-nowrap"><a href="'
            f'{town_url[0]}{escape(row.code)}{town_url[1]}{town_query}">'
            f"{escape(row.municipality)}</a>{draft_mark if row.draft else ''}</th>\n"
            f"      {cells}\n"
            "    </tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308  # every value above is escaped


def profile_cells(rows: list[ProfileRow], *, current: ReportingRound) -> list[SafeString]:
    """Each profile row's `<td>` cells, one per round, oldest first.

    20 rounds × 60 initiatives are 1,200 cells: through the template engine they took most of
    a computed profile page of 98 municipalities (~100 ms); here each distinct cell is
    formatted and escaped once."""
    draft_note = f" ({escape(gettext('Kladde – ikke indsendt'))})"
    formatted: dict[tuple, str] = {}

    def cell(kind: str, level: int | str | None, label: str, own_draft: bool) -> str:
        key = (kind, level, label, own_draft)
        if key not in formatted:
            if level is None:
                css, text = "level-none", "·"
            elif level == NOT_SUBMITTED:
                css, text = "level-not_submitted", "–"
            elif kind == Initiative.Kind.PILOT:
                css, text = f"participation-{level}", PARTICIPATION_SYMBOLS.get(str(level), "")
            else:
                css, text = f"level-{level}", str(level)
            formatted[key] = (
                f'<td class="text-center {escape(css)}{" own-draft" if own_draft else ""}">'
                f'<span title="{escape(label)}">{escape(text)}</span>'
                f'<span class="visually-hidden"> {escape(label)}'
                f"{draft_note if own_draft else ''}</span></td>"
            )
        return formatted[key]

    return [
        mark_safe(  # noqa: S308  # nosec B308  # every value in a cell is escaped
            "".join(
                cell(row.kind, level, label, row.draft and r.pk == current.pk)
                for r, level, label in row.levels
            )
        )
        for row in rows
    ]


def movement_items(movements: list[Movement]) -> SafeString:
    """The changes page's `<li>` per movement, as its loop in the template wrote them.

    A round of 98 municipalities has thousands of movements; through the template engine
    (four tags and six variables each) they were most of a computed changes page."""
    arrows = {
        "up": f'<span class="text-success fw-semibold">▲ {escape(gettext("op"))}</span>',
        "down": f'<span class="text-danger fw-semibold">▼ {escape(gettext("ned"))}</span>',
    }
    new = f'<span class="fw-semibold">{escape(gettext("nyt svar"))}</span>'
    return mark_safe(  # noqa: S308  # nosec B308  # every value is escaped
        "".join(
            '\n      <li><span class="font-monospace text-body-secondary">'
            f"{escape(move.code)}</span> {escape(move.title)}:\n"
            f"        {arrows.get(move.direction, new)}\n"
            f"        {f'{escape(move.before_label)} → ' if move.before_label else ''}"
            f"{escape(move.after_label)}</li>\n      "
            for move in movements
        )
    )


def participation_legend() -> list[tuple[str, str, str]]:
    """(participation, symbol, label) for the legend of the pilot initiatives' cells."""
    return [(p.value, PARTICIPATION_SYMBOLS[p.value], str(p.label)) for p in PARTICIPATIONS]

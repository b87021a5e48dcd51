"""Template helpers for dashboards."""

from django import template

from dashboards.rendering import PARTICIPATION_SYMBOLS

register = template.Library()

# The PDF renderer does not style inline SVG from the page's stylesheet, so the handout's bars
# carry their fill colour as an attribute. The same colours as .level-* in portal.css.
LEVEL_FILLS: dict[int | None, str] = {
    0: "#c0392b",
    1: "#d9822b",
    2: "#c9a400",
    3: "#3c8d5a",
    4: "#1e5e36",
}
NO_ANSWER_FILL = "#c8c8c8"


@register.filter
def level_fill(level: int | None) -> str:
    return LEVEL_FILLS.get(level, NO_ANSWER_FILL)


@register.filter
def participation_symbol(participation: str) -> str:
    """The shape that stands for a participation in a pilot initiative (see the legend)."""
    return PARTICIPATION_SYMBOLS.get(participation, "")

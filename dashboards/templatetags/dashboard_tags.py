"""Template helpers for dashboards."""

from django import template

from dashboards.charts import LEVEL_FILLS, NO_ANSWER_FILL
from dashboards.rendering import PARTICIPATION_SYMBOLS, movement_items
from dashboards.selectors import Participation
from reporting.models import ReportingRound

register = template.Library()


# The PDF renderer does not style inline SVG from the page's stylesheet, so the handout's bars
# carry their fill colour as an attribute (dashboards/charts.py).
@register.filter
def level_fill(level: int | None) -> str:
    return LEVEL_FILLS.get(level, NO_ANSWER_FILL)


@register.filter
def participation_symbol(participation: str) -> str:
    """The shape that stands for a participation in a pilot initiative (see the legend)."""
    return PARTICIPATION_SYMBOLS.get(participation, "")


# The changes page's movements, rendered compactly (dashboards/rendering.py).
register.filter("movement_items", movement_items)


@register.filter
def of_round(by_round: dict[int, Participation], round_: ReportingRound) -> Participation | None:
    """How many of the round's reports count, from `by_round` (keyed by round id); None for
    a round not in it (a round of an earlier framework)."""
    return by_round.get(round_.pk)

"""The framework pages' links back to where a framework and its initiatives came from."""

from __future__ import annotations

from django import template

from commitments import origins
from commitments.models import Framework, Initiative

register = template.Library()


@register.simple_tag(takes_context=True)
def initiative_origins(context, framework: Framework) -> dict[int, list[origins.OriginLink]]:
    """Asked once per page: `{% initiative_origins framework as origins %}`."""
    return origins.initiative_origins(context["request"].user, framework)


@register.simple_tag(takes_context=True)
def framework_origins(context, framework: Framework) -> list[origins.OriginLink]:
    return origins.framework_origins(context["request"].user, framework)


@register.filter
def origins_of(found: dict[int, list[origins.OriginLink]], initiative: Initiative) -> list:
    """One initiative's links from what `initiative_origins` found."""
    return found.get(initiative.pk, []) if found else []

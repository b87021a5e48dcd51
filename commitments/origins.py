"""Where a framework and its initiatives come from, told by the apps above `commitments`.

`commitments` imports none of the apps that lead to a framework (the way to it in `mappings`,
the proposals in `calls`: decisions 26 and 28), yet its pages link back to them. Such an app
registers a source here from its `AppConfig.ready()`; the framework's pages ask every source
once per page (`commitments.templatetags.origins`). A source decides what the user may see
and answers without a query when the user may see nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from commitments.models import Framework


@dataclass(frozen=True)
class OriginLink:
    """A link from a framework's page to what it came from: "Fra forslag af …"."""

    text: str
    url: str


InitiativeOrigins = Callable[[User | AnonymousUser, Framework], dict[int, list[OriginLink]]]
FrameworkOrigins = Callable[[User | AnonymousUser, Framework], list[OriginLink]]

_initiative_sources: list[InitiativeOrigins] = []
_framework_sources: list[FrameworkOrigins] = []


def register_initiative_origins(source: InitiativeOrigins) -> None:
    """Add a source of links per initiative (by initiative id); registering twice is once."""
    if source not in _initiative_sources:
        _initiative_sources.append(source)


def register_framework_origins(source: FrameworkOrigins) -> None:
    """Add a source of links for the framework as a whole."""
    if source not in _framework_sources:
        _framework_sources.append(source)


def initiative_origins(
    user: User | AnonymousUser, framework: Framework
) -> dict[int, list[OriginLink]]:
    """Every registered source's links for the framework's initiatives, by initiative id."""
    found: dict[int, list[OriginLink]] = {}
    for source in _initiative_sources:
        for initiative_id, links in source(user, framework).items():
            found.setdefault(initiative_id, []).extend(links)
    return found


def framework_origins(user: User | AnonymousUser, framework: Framework) -> list[OriginLink]:
    """Every registered source's links for the framework."""
    return [link for source in _framework_sources for link in source(user, framework)]

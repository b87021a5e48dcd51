"""Cached dashboard figures that are never stale.

A key names the figures (which page, which parameters) and the `results_version` of every
round they are computed from. Every service that changes a report bumps its round's
`results_version` in the same transaction, so a changed report changes the key and the old
entry is simply never read again. Nothing has to be deleted, and no app has to know about
the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from reporting.models import ReportingRound

T = TypeVar("T")


def key(name: str, rounds: Iterable[ReportingRound], *parts: object) -> str:
    versions = ",".join(f"{r.pk}.{r.results_version}" for r in rounds)
    # The figures carry translated labels, so the language is part of the key.
    raw = f"{name}|{get_language()}|{versions}|{'|'.join(map(str, parts))}"
    return "dashboards:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(
    name: str, rounds: Iterable[ReportingRound], parts: tuple, compute: Callable[[], T]
) -> T:
    """The figures under this key, computed and stored on a miss."""
    cache_key = key(name, rounds, *parts)
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, settings.DASHBOARD_CACHE_SECONDS)
    return value

"""Cached dashboard figures that are never stale.

A key names the figures (which page, which parameters) and the `results_version` of every
round they are computed from. Every service that changes a report bumps its round's
`results_version` in the same transaction, so a changed report changes the key and the old
entry is simply never read again. Nothing has to be deleted, and no app has to know about
the cache. Whole pages are kept the same way (below).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import get_language

from accounts.models import User
from accounts.permissions import get_scope, is_administrator
from core import prepared
from core.memo import memo
from core.templatetags.layout import CSRF_MARKER, HEADER_MARKER, header_for
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


# --- Whole pages -------------------------------------------------------------------------------
#
# A warm dashboard page used to rebuild its filter form, read its figures from the cache one by
# one and render them (docs/decisions/0029-what-every-page-pays.md). Now the page itself is kept:
# `serve` computes its key first, from ONE query (the rounds the viewer may see, with their
# results_version, and the framework's pilots_version), and answers a hit at once.
#
# The key names everything the page's body depends on: the page and its address with the query
# string, the language, the rounds' versions and states, the framework's pilot projects, and the
# viewer's scope (who may see which rounds and pilot projects, who may include drafts, whose own
# drafts are shown): viewers with the same scope see the same body. What is one viewer's alone is
# never kept: the page is rendered with markers where the header and the CSRF tokens go
# (core/templatetags/layout.py), and those are put in for each request, hit or miss.

_PAGE_MARKERS = {"site_header_placeholder": True, "csrf_token": CSRF_MARKER}
_HEADER = HEADER_MARKER.encode()
_CSRF = CSRF_MARKER.encode()
_MARKERS = re.compile(b"(" + re.escape(_HEADER) + b"|" + re.escape(_CSRF) + b")")


def render_page(request: HttpRequest, template_name: str, context: dict) -> HttpResponse:
    """`render`, with the markers `serve` fills in for the viewer."""
    return render(request, template_name, {**context, **_PAGE_MARKERS})


def _viewer(user: User | AnonymousUser) -> tuple:
    if not user.is_authenticated:
        return ("public",)
    scope = get_scope(user)
    return (
        is_administrator(user),
        tuple(sorted(scope.secretariat_kkr_ids)),
        tuple(sorted(scope.coordinator_municipality_ids)),
        tuple(sorted(scope.politician_kkr_ids)),
        tuple(sorted(scope.politician_municipality_ids)),
        tuple(sorted(scope.municipality_kkr_ids)),
    )


# (viewer, slug) -> the SQL of the key's query. Building and compiling that queryset (the
# scoped rule, two tables, thirteen columns) cost ~1.7 ms of Python, three times its run in
# PostgreSQL, on every kept page; the SQL depends on nothing but the viewer's scope and slug.
_key_queries = memo(max_entries=1000)


# The framework and every framework it revises, followed back through revision_of.
_LINEAGE_SQL = """
WITH RECURSIVE lineage(id, revision_of_id) AS (
    SELECT id, revision_of_id FROM commitments_framework WHERE slug = %s
    UNION
    SELECT f.id, f.revision_of_id FROM commitments_framework f
    JOIN lineage ON f.id = lineage.revision_of_id
)
SELECT id FROM lineage
"""


def _lineage(slug: str) -> RawSQL:
    """The ids of the framework and of every framework it revises, inside the key's own query:
    the pages show the rounds answered on the predecessors too (decision 27), so their versions
    belong in the key."""
    # A fixed query; the slug goes in as a parameter.
    return RawSQL(_LINEAGE_SQL, [slug])  # noqa: S611  # nosec B611


# The ORM's SQL of the rounds goes in whole; its parameters stay parameters.
_DIGEST_SQL = (
    "SELECT COUNT(*), md5(string_agg(rounds::text, ';' ORDER BY rounds.opens_on DESC, rounds.pk))"
    " FROM ({rounds}) AS rounds"
)


def _rounds_query(user: User | AnonymousUser, slug: str) -> tuple[str, tuple]:
    sql, params = (
        ReportingRound.objects.visible_to(user)
        .filter(framework_id__in=_lineage(slug))
        .exclude(status=ReportingRound.Status.DRAFT)
        .order_by("-opens_on", "pk")
        .values_list(
            "pk",
            "results_version",
            "status",
            "slug",
            "title",
            "opens_on",
            "published_at",
            "deadline",
            "updated_at",
            "framework_id",
            "framework__status",
            "framework__updated_at",
            "framework__pilots_version",
        )
        .query.sql_with_params()
    )
    if connection.vendor == "postgresql":
        # One row instead of thirteen columns per round: how many rounds, and a digest of all
        # of them (their text, in order). Reading, converting and hashing 20 rounds' dates and
        # times in Python cost more than PostgreSQL's run of the whole query.
        sql = _DIGEST_SQL.format(rounds=sql)
    return sql, params


def page_key(request: HttpRequest, *, page: str, slug: str) -> str | None:
    """The key of the page's body for this viewer; None when the viewer sees no round of the
    framework (the page answers 404 then)."""
    viewer = _viewer(request.user)
    sql, params = _key_queries.get_or_compute(
        (viewer, slug), lambda: _rounds_query(request.user, slug)
    )
    # PostgreSQL: one row, (how many rounds, their digest); SQLite: the rounds themselves.
    rounds = prepared.fetchall(sql, params)
    if not rounds or rounds[0][0] == 0:
        return None
    raw = repr((page, get_language(), request.get_full_path(), viewer, rounds))
    # "page2": a kept page is its pieces (below), no longer one string.
    return "dashboards:page2:" + hashlib.sha256(raw.encode()).hexdigest()


def _pieces(body: bytes) -> list[bytes]:
    """The rendered page split at its markers: text at the even places, a marker at each odd
    one. Split once when the page is kept, so that serving it copies the body once (three
    passes of `replace` over the 790 KB heat map of 98 municipalities cost ~0.6 ms)."""
    return _MARKERS.split(body)


# The kept pages this process served last, in front of Redis: a page key names every version the
# body depends on, so an entry is never stale, and reading one costs no round trip (a 25 KB page
# from Redis: ~0.3 ms, as much again as the key's query). Bounded by the pages' bytes.
_local_pages = memo(
    max_entries=10_000,
    max_weight=settings.DASHBOARD_LOCAL_PAGE_BYTES,
    weigh=lambda pieces: sum(map(len, pieces)),
)


def _personalised(request: HttpRequest, pieces: list[bytes]) -> bytes:
    """The page with the viewer's header in the first header marker and their CSRF token in
    every token marker."""
    out = list(pieces)
    markers = range(1, len(out), 2)
    tokens = [place for place in markers if out[place] == _CSRF]
    header = next((place for place in markers if out[place] == _HEADER), None)
    if tokens or header is not None:
        # One token for the page and its header: each get_token() masks the secret anew.
        token = get_token(request)
        encoded = token.encode()
        for place in tokens:
            out[place] = encoded
        if header is not None:
            out[header] = header_for(request, token).encode()
    return b"".join(out)


def serve(
    request: HttpRequest, *, page: str, slug: str, compute: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page from the cache, or computed by `compute` (which renders with `render_page`)
    and kept; the viewer's header and tokens put in either way."""
    # A page that shows a one-time message (after a redirect) is neither served nor kept.
    cache_key = None if len(get_messages(request)) else page_key(request, page=page, slug=slug)
    # DASHBOARD_CACHE_SECONDS=0 keeps nothing, in this process either (run.sh's cold run).
    local = cache_key is not None and settings.DASHBOARD_CACHE_SECONDS > 0
    pieces = _local_pages.get(cache_key) if local else None
    if pieces is None and cache_key:
        pieces = cache.get(cache_key)
        if pieces is not None and local:
            _local_pages.put(cache_key, pieces)
    if pieces is None:
        response = compute()
        if response.status_code != HTTPStatus.OK:
            return response
        pieces = _pieces(response.content)
        if cache_key:
            cache.set(cache_key, pieces, settings.DASHBOARD_CACHE_SECONDS)
            if local:
                _local_pages.put(cache_key, pieces)
        response.content = _personalised(request, pieces)
        return response
    return HttpResponse(_personalised(request, pieces))


def page_cached(page: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A dashboard view `(request, slug, **kwargs)` served through `serve`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, slug: str, **kwargs: object) -> HttpResponse:
            return serve(
                request, page=page, slug=slug, compute=lambda: view(request, slug, **kwargs)
            )

        return wrapper

    return decorator

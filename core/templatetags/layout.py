"""The portal's header and footer, rendered once and kept: what every page pays, made cheap.

The header (name, roles, language switch, menu, log-out) was most of the cost of an empty page
in `base.html`: ~50 template nodes, a dozen `{% url %}`s and translations per request, the same
for every page a user opens in a section. `{% site_header %}` renders `_site_header.html` once
per key and keeps the HTML in this process's memo (core/memo.py). The key holds everything the
fragment shows:

- the user (id, name, staff flag) and their `memberships_version`, which every service
  that changes a membership bumps (accounts.services.memberships_changed), so roles shown and
  menu items offered are never stale;
- what the menu's answers (`has_tasks`, `can_manage_users` and the like, from the context
  processors) follow from: the user's scope and administrator flag, and whether the session
  has found a call of theirs (`MENU_KEYS`). The answers themselves are only asked for when
  the header is rendered, not on every page;
- the language and the section of the menu that is marked as current.

What differs per request is never kept: the CSRF token of the language and log-out forms and the
page's own address (the language switch's `next`, the login link's `next`) are rendered as
markers and put in afterwards. A marker is an HTML comment passed to the template as safe text:
no text a user wrote can be one, as the template engine escapes its `<`.

A page kept whole (dashboards/cache.py) is rendered with `site_header_placeholder` in its
context: the tag then leaves `HEADER_MARKER`, and `header_for` puts the viewer's header there.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

from django import template
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import Engine
from django.template.context import Context, RequestContext
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.memo import memo

register = template.Library()

# A header per (user, memberships, language, section): a few hundred users in a handful of
# sections. Organisation names in it (from the memberships) are read again after 5 minutes.
_headers = memo(max_entries=5000, max_age=300)
_footers = memo(max_entries=20)

# Fixed comments, safe by construction: no user text is marked safe here.
CSRF_MARKER = mark_safe("<!--csrf-token-->")  # nosec B308 B703
HEADER_MARKER = mark_safe("<!--site-header-->")  # nosec B308 B703
_NEXT_MARKER = mark_safe("<!--next-path-->")  # nosec B308 B703
_LOGIN_NEXT_MARKER = mark_safe("<!--login-next-->")  # nosec B308 B703

# What every answer of the menu (has_tasks, has_reporting_work, can_manage_users,
# has_framework_path, has_calls) is a function of, from the context processors (accounts,
# calls): asking the five answers on every page cost ~0.1 ms, 5 % of an empty page.
MENU_KEYS = ("menu_scope", "calls_found")

# Which menu item is the current one: by URL name first, then by the app's namespace.
_SECTION_BY_URL_NAME = {
    "tasks": "tasks",
    "round_list": "rounds",
    "round_detail": "rounds",
    "pilot_list": "pilots",
    "pilot_detail": "pilots",
    "user_list": "users",
}
_SECTION_BY_APP = frozenset(
    {"commitments", "dashboards", "meetings", "mappings", "calls", "calendars", "municipalities"}
)


def section(request: HttpRequest | None) -> str:
    """The menu item the page belongs to, or "" for none."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.url_name in _SECTION_BY_URL_NAME:
        return _SECTION_BY_URL_NAME[match.url_name]
    return match.app_name if match.app_name in _SECTION_BY_APP else ""


def _header_key(context: Context, request: HttpRequest, current: str) -> tuple:
    user = request.user
    flags = tuple(context.get(name) for name in MENU_KEYS)
    if not user.is_authenticated:
        return (None, get_language(), current, flags)
    return (
        user.pk,
        getattr(user, "memberships_version", 0),
        user.get_full_name(),
        user.is_staff,
        get_language(),
        current,
        flags,
    )


def _render(context: Context, name: str, extra: dict[str, Any]) -> str:
    engine = context.template.engine if context.template else Engine.get_default()
    return engine.get_template(name).render(Context({**context.flatten(), **extra}))


@register.simple_tag(takes_context=True)
def site_header(context: Context) -> SafeString:
    """The header of every page, from the memo; the token and the page's address put in."""
    if context.get("site_header_placeholder"):
        return HEADER_MARKER
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        # Rendered without a request (no session, no user): nothing to key it by.
        return mark_safe(  # noqa: S308  # nosec B308 B703  # the template engine escaped it
            _render(context, "_site_header.html", {"section": "", "next_path": ""})
        )
    current = section(request)
    html = _headers.get_or_compute(
        _header_key(context, request, current),
        lambda: _render(
            context,
            "_site_header.html",
            {
                "section": current,
                "csrf_token": CSRF_MARKER,
                "next_path": _NEXT_MARKER,
                "login_next": _LOGIN_NEXT_MARKER,
            },
        ),
    )
    if CSRF_MARKER in html:
        # The page's own token (the csrf context processor's, evaluated once per page) when
        # there is one: each get_token() masks the secret anew, 32 random characters.
        html = html.replace(CSRF_MARKER, str(context.get("csrf_token") or get_token(request)))
    html = html.replace(_NEXT_MARKER, escape(request.get_full_path()))
    html = html.replace(_LOGIN_NEXT_MARKER, escape(quote(request.path, safe="/")))
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # escaped by the engine and above


def header_for(request: HttpRequest, csrf_token: str) -> str:
    """The header `{% site_header %}` gives this request, outside a template (a kept page),
    with the page's CSRF token."""
    context = RequestContext(request)
    # Above the context processors' values, so their csrf_token does not mask a second one.
    context["csrf_token"] = csrf_token
    return _header_template().render(context)


@functools.cache
def _header_template() -> Any:
    return Engine.get_default().from_string("{% load layout %}{% site_header %}")


@register.simple_tag(takes_context=True)
def site_footer(context: Context) -> SafeString:
    """The footer of every page: the same for everyone in a language."""
    html = _footers.get_or_compute(
        get_language(), lambda: _render(context, "_site_footer.html", {})
    )
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # the template engine escaped it

"""Danish unless the user chose otherwise; sessions renewed while they are used; the request's
address for e-mail links in development; requests no view could read refused early;
signed-in pages kept out of caches; one log line per request."""

import logging
import time
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, empty

from core.mail import request_site


def chosen_language(request: HttpRequest) -> str:
    """The language picked with the language switch, else Danish."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    """Activate the language the user picked with the language switch, else Danish.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, which would
    show most visitors English pages; the portal is Danish first, English on request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SessionRenewalMiddleware:
    """Renew a signed-in session's hour while it is used, writing it at most once a minute.

    Django's SESSION_SAVE_EVERY_REQUEST would give the same inactivity limit at the price of a
    session write and a database commit on every page view. Here the session is only marked as
    modified when its last renewal is SESSION_RENEWAL_SECONDS old, so SessionMiddleware saves
    it and sends the cookie with a fresh expiry; an idle session ends between 59 and 60
    minutes after the last request.
    """

    KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        user = getattr(request, "user", None)  # absent when a response came before auth ran
        if session.session_key and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_RENEWAL_SECONDS:
                session[self.KEY] = now
        return response


class RequestSiteMiddleware:
    """Remember the address of the request, for e-mail links when SITE_URL is not set.

    Only installed with DEBUG on (portal/settings.py): in production SITE_URL is required.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_site.set(request.build_absolute_uri("/"))
        try:
            return self.get_response(request)
        finally:
            request_site.reset(token)


class MalformedRequestMiddleware:
    """Answer 400 (the portal's own page) to a request that no view could read.

    - A NUL byte in the path or the query string: PostgreSQL refuses it in any query, so a
      page looking up a path segment or filtering by a parameter would fail with a 500.
    - A form post in another charset than UTF-8: Django refuses to decode it, but its error
      views read the body again to check the CSRF token, fail again, and end in a bare 500.
      Refused here, before the CSRF check, nothing reads the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or "\x00" in unquote(query):
            raise BadRequest("NUL byte in the URL")
        if (
            request.content_type == "application/x-www-form-urlencoded"
            and request.encoding
            and request.encoding.lower() != "utf-8"
        ):
            raise BadRequest(f"Form data in {request.encoding}, not UTF-8")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user.

    A signed-in user's pages may show drafts (a report, its history, the round's follow-up,
    dashboards with drafts, the PDF handout, attachments) and always show their name: no
    shared proxy and no browser cache may keep them after the user has left. Public pages
    for anonymous visitors show only published figures and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


request_log = logging.getLogger("core.requests")


class RequestLogMiddleware:
    """Write one log line per request: method, path, status, duration and the user's id.

    The path is logged without its query string, which can hold a search for a person's name;
    the user is given by id only, never by e-mail or name. The request id is added to the line
    by the log filter of django-guid (settings.LOGGING).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(duration_ms, 1),
                "user_id": _user_id(request),
            },
        )
        return response


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request already looked the user up, else None.

    Looking the user up here would cost a query on pages that never needed one (static files,
    the health check) and would fail while the database is down.
    """
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user is not None and user.is_authenticated else None

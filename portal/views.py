"""Pages that belong to the portal as a whole rather than to one app."""

import sys
from http import HTTPStatus

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.views.decorators.http import require_safe

from accounts.permissions import get_scope
from commitments.models import Framework
from core.middleware import chosen_language
from notifications.selectors import tasks_for


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    frameworks = (
        Framework.objects.visible_to(request.user).select_related("kkr").order_by("-adopted_on")
    )
    user, scope = request.user, get_scope(request.user)
    tasks = (
        tasks_for(user)
        if user.is_authenticated and (scope.is_coordinator or scope.is_secretariat)
        else None
    )
    return render(request, "home.html", {"frameworks": frameworks, "tasks": tasks})


@login_not_required
@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


# --- error pages -----------------------------------------------------------------------------
# Rendered without the request's context: no session, user or database, and never the
# request body again (Django's own error views re-read it for the CSRF token, which fails
# again for a body that could not be read the first time).


def _error_page(request: HttpRequest, template: str, status: HTTPStatus) -> HttpResponse:
    translation.activate(chosen_language(request))
    response = HttpResponse(loader.get_template(template).render(), status=status)
    response["Content-Language"] = translation.get_language()
    return response


def _caused_by_the_database(exception: BaseException | None) -> bool:
    """The database could not be reached, here or in what led to this exception."""
    while exception is not None:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def _unavailable(request: HttpRequest) -> HttpResponse:
    response = _error_page(request, "503.html", HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = "30"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, or 503 when the request failed because the database went away.

    Django turns a session it cannot save into "session interrupted", a 400: when the database
    was the reason (a restart mid-request), the user should try again, not fix the request.
    """
    if _caused_by_the_database(exception):
        return _unavailable(request)
    return _error_page(request, "400.html", HTTPStatus.BAD_REQUEST)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database cannot be reached: that passes, so try again soon."""
    if _caused_by_the_database(sys.exc_info()[1]):
        return _unavailable(request)
    return _error_page(request, "500.html", HTTPStatus.INTERNAL_SERVER_ERROR)

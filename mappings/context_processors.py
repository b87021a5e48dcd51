"""Template context for every page: whether the menu shows "Vejen til rammepapiret"."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mappings.permissions import has_path


def path_menu(request: HttpRequest) -> dict:
    """From the scope the request has read anyway: no query of its own."""
    return {"has_framework_path": SimpleLazyObject(lambda: has_path(request.user))}

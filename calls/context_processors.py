"""Template context for every page: whether the menu shows "Indkaldelser"."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from calls.permissions import can_create_call


def calls_menu(request: HttpRequest) -> dict:
    """Secretariats always; an addressee once a call of theirs has been found.

    The addressee's flag lives in the session (set at login and on the calls pages), so the
    menu costs no query on other pages.
    """

    def shown() -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        return can_create_call(user) or bool(getattr(request, "session", {}).get("has_calls"))

    return {"has_calls": SimpleLazyObject(shown)}

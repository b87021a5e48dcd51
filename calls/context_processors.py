"""Template context for every page: whether the menu shows "Indkaldelser"."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from calls.permissions import can_create_call


def calls_menu(request: HttpRequest) -> dict:
    """Secretariats always; an addressee once a call of theirs has been found.

    The addressee's flag lives in the session (set at login and on the calls pages), so the
    menu costs no query on other pages. With the scope (accounts' `menu_scope`), the flag is
    what `has_calls` follows from: `calls_found` is part of the kept header's key.
    """
    found = bool(getattr(request, "session", {}).get("has_calls"))

    def shown() -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        return can_create_call(user) or found

    return {"has_calls": SimpleLazyObject(shown), "calls_found": found}

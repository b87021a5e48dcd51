"""Template context for every page: whether the menu shows "Indkaldelser"."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.permissions import get_scope


def calls_menu(request: HttpRequest) -> dict:
    """Secretariats always; an addressee once a call of theirs has been found.

    The addressee's flag lives in the session (set at login and on the calls pages), so the
    menu costs no query on other pages.
    """

    def shown() -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        return (
            user.is_superuser
            or get_scope(user).is_secretariat
            or bool(getattr(request, "session", {}).get("has_calls"))
        )

    return {"has_calls": SimpleLazyObject(shown)}

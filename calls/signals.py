"""At login, remember in the session whether the user has calls, for the menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import User
from calls.models import Call


def remember_calls(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session["has_calls"] = Call.objects.visible_to(user).exists()

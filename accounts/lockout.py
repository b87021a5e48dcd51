"""Login throttling (django-axes): one account whatever the case of its address.

Login matches the e-mail address case-insensitively, so axes must count failures under the
address as the database keeps it (stripped, lower case); otherwise ten spellings of one
address get ten times the attempts. Failures are capped per account and address
(AXES_FAILURE_LIMIT) and, against guessing from many addresses, per account
(ACCOUNT_FAILURE_LIMIT, higher, so that one office's typos do not lock a person out everywhere).
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def normalised_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The address axes counts failures for: stripped and in lower case."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        username = credentials[field]
    elif request is not None:
        username = getattr(request, "data", request.POST).get(field)
    else:
        return None
    return str(username).strip().lower() if username is not None else None


def account_failures(username: str) -> int:
    """Failed logins for an account since its last success, from every address."""
    total = AccessAttempt.objects.filter(username=username).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def is_account_locked_out(username: str) -> bool:
    """Locked from everywhere (the per-account cap); per address, axes itself tells."""
    return account_failures(username) >= settings.ACCOUNT_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, per-account cap."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        username = normalised_username(request, credentials)
        if username and is_account_locked_out(username):
            return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures

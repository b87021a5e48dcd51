"""The one way the portal sends e-mail.

Every message is rendered in Danish (the portal's language, whoever clicked) and handed to the
mail backend only after the transaction that caused it has committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import override

Message = tuple[str, str, str, list[str]]


def site_url(path: str) -> str:
    """An absolute link to a path of the portal, for e-mails."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def message(
    *, recipients: Iterable[str], subject: str, template: str, context: dict
) -> Message | None:
    """One e-mail to the given addresses, or None when there is nobody to send it to."""
    unique = sorted(set(recipients))
    if not unique:
        return None
    with override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
    return (subject, body, settings.DEFAULT_FROM_EMAIL, unique)


def send_on_commit(messages: Iterable[Message | None]) -> None:
    """Send the messages once the current transaction has committed."""
    ready = [m for m in messages if m]
    if ready:
        transaction.on_commit(lambda: send_mass_mail(ready, fail_silently=False))

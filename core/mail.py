"""The one way the portal sends e-mail.

`send()` renders a message's subject and body together from two templates, in the portal's
language (Danish) whoever clicked, and hands it to the mail backend only after the
transaction that caused it has committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import override

# The address the current request came in on (set by core.middleware.RequestSiteMiddleware),
# used for links when SITE_URL is not configured: in development only, because a production
# host header is whatever the client sent (check --deploy refuses an empty SITE_URL).
request_site: ContextVar[str] = ContextVar("request_site", default="")

DEVELOPMENT_SITE = "http://127.0.0.1:8000"


def site_url(path: str) -> str:
    """An absolute link to a path of the portal, for e-mails."""
    base = settings.SITE_URL or request_site.get() or DEVELOPMENT_SITE
    return f"{base.rstrip('/')}{path}"


def render(*, template: str, context: dict) -> tuple[str, str]:
    """Subject and body of `<template>_subject.txt` and `<template>.txt`, in Danish."""
    with override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    return subject, body


def send(*, to: Iterable[str], template: str, context: dict) -> None:
    """Send one e-mail to the given addresses once the current transaction has committed.

    Nothing is sent when there is nobody to send it to.
    """
    recipients = sorted(set(to))
    if not recipients:
        return
    subject, body = render(template=template, context=context)
    message = (subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    transaction.on_commit(lambda: send_mass_mail([message], fail_silently=False))

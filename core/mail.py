"""The one way the portal sends e-mail.

`send()` renders a message's subject and body together from two templates, in Danish whoever
clicked, and stores it in the outbox (django-post-office) within the caller's transaction.
After the commit a task delivers it; if the mail server is down the message stays in the
outbox and is tried again (settings.POST_OFFICE), so a failing mail server never undoes or
breaks the action that sent it. Every message is in the admin under "Post Office".

The portal has no per-user language: mail is Danish always, like the pages by default.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import override
from post_office import mail as outbox

from core.tasks import deliver_outbox, enqueue

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
    """Subject and body of `<template>_subject.txt` and `<template>.txt`, in Danish.

    The subject is one line whatever the context holds: a title with a line break would
    otherwise be a header injection, which the mail backend refuses.
    """
    with override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    return subject, body


def send(*, to: Iterable[str], template: str, context: dict) -> None:
    """Queue one e-mail to the given addresses; it is delivered after the transaction commits.

    Nothing is queued when there is nobody to send it to.
    """
    recipients = sorted(set(to))
    if not recipients:
        return
    subject, body = render(template=template, context=context)
    outbox.send(
        recipients=recipients,
        sender=settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        message=body,
    )
    transaction.on_commit(lambda: enqueue(deliver_outbox))

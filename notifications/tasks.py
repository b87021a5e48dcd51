"""The reminder schedule on the task queue: beat runs `send_reminders` every morning."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.translation import override

from core.tasks import RETRY_POLICY
from notifications.selectors import reminders_due
from notifications.services import reminder_send


@shared_task(**RETRY_POLICY)
def send_reminders() -> int:
    """Send today's due reminders; returns how many went out.

    Idempotent like the management command: each reminder is recorded once per offset and
    deadline, so a retry or a second run the same day sends nothing twice.
    """
    today = timezone.localdate()
    with override(settings.LANGUAGE_CODE):
        return sum(
            reminder_send(report=report, offset=offset, today=today)
            for report, offset in reminders_due(today=today)
        )

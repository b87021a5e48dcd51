"""The call reminders on the task queue, like notifications' reminders."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.translation import override

from calls.services import reminders_send
from core.tasks import RETRY_POLICY


@shared_task(**RETRY_POLICY)
def send_call_reminders() -> int:
    """Send the due call reminders; idempotent (one per addressee and call)."""
    with override(settings.LANGUAGE_CODE):
        return reminders_send(today=timezone.localdate())

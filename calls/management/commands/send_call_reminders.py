"""Remind the addressees of open calls a week before the deadline (once per call each)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import override

from calls.services import reminders_send


class Command(BaseCommand):
    help = "Send påmindelser om fristen for forslag til indkaldelser (højst én pr. modtager)."

    def handle(self, *args, **options) -> None:
        with override(settings.LANGUAGE_CODE):
            sent = reminders_send(today=timezone.localdate())
        self.stdout.write(f"{sent}")

"""Deliver the mail outbox now; what beat does every minute when Celery runs."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import ngettext, override

from core.tasks import deliver_outbox


class Command(BaseCommand):
    help = (
        "Sender de e-mails, der venter i udbakken. Uden Celery kan den køres hvert minut "
        "fra cron eller en systemd-timer."
    )

    def handle(self, *args, **options) -> None:
        sent = deliver_outbox()
        with override(settings.LANGUAGE_CODE):
            self.stdout.write(
                ngettext("%(count)s e-mail sendt.", "%(count)s e-mails sendt.", sent)
                % {"count": sent}
            )

"""Send the reminders that are due today; run once a day (cron, systemd timer)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from accounts.selectors import coordinator_emails
from notifications.selectors import describe_offset, reminders_due
from notifications.services import reminder_send


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # argparse takes only a str: a lazy translation as the class attribute crashed --help.
        return _(
            "Sender påmindelser til kommuner, der ikke har indsendt, på de dage i forhold til "
            "fristen, som REMINDER_OFFSETS_DAYS angiver. Kan køres flere gange samme dag."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Vis hvem der ville få en påmindelse, uden at sende eller registrere noget."),
        )
        parser.add_argument(
            "--date",
            help=_("Kør som om det var denne dato (ÅÅÅÅ-MM-DD). Standard: i dag."),
        )

    def handle(self, *args, **options) -> None:
        with override(settings.LANGUAGE_CODE):
            self._handle(dry_run=options["dry_run"], date=options["date"])

    def _handle(self, *, dry_run: bool, date: str | None) -> None:
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(
                _("Ugyldig dato: %(date)s (brug ÅÅÅÅ-MM-DD).") % {"date": date}
            ) from error
        due = reminders_due(today=today)
        sent = 0
        for report, offset in due:
            recipients = ", ".join(sorted(coordinator_emails(report.municipality_id))) or _(
                "ingen aktive koordinatorer"
            )
            details = {
                "municipality": report.municipality.name,
                "round": report.round.title,
                "when": describe_offset(offset),
                "deadline": formats.date_format(report.deadline, "j. F Y"),
                "recipients": recipients,
            }
            if dry_run:
                line = _(
                    "Ville sende: %(municipality)s – %(round)s – påmindelse %(when)s "
                    "(frist %(deadline)s) til %(recipients)s"
                )
            elif reminder_send(report=report, offset=offset, today=today):
                sent += 1
                line = _(
                    "Sendt: %(municipality)s – %(round)s – påmindelse %(when)s "
                    "(frist %(deadline)s) til %(recipients)s"
                )
            else:
                continue
            self.stdout.write(line % details)
        if dry_run:
            summary = ngettext(
                "Prøvekørsel den %(date)s: %(count)s påmindelse ville blive sendt. Intet er sendt.",
                "Prøvekørsel den %(date)s: %(count)s påmindelser ville blive sendt. "
                "Intet er sendt.",
                len(due),
            ) % {"date": formats.date_format(today, "j. F Y"), "count": len(due)}
        else:
            summary = ngettext(
                "%(count)s påmindelse sendt den %(date)s.",
                "%(count)s påmindelser sendt den %(date)s.",
                sent,
            ) % {"count": sent, "date": formats.date_format(today, "j. F Y")}
        self.stdout.write(summary)

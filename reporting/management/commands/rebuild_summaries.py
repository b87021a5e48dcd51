"""Recompute every report's summary from its entries (reporting.services.summaries).

Every write keeps the summaries right on its own; this is for data written outside the
services: a restored backup, a bulk load (benchmarks/generate.py), a migration.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import ngettext, override

from reporting.services.summaries import summaries_rebuild


class Command(BaseCommand):
    help = "Beregner rapporternes oversigter (tal pr. område og status) forfra ud fra svarene."

    def handle(self, *args, **options) -> None:
        rows = summaries_rebuild()
        with override(settings.LANGUAGE_CODE):
            self.stdout.write(
                ngettext(
                    "%(count)s oversigtsrække skrevet.", "%(count)s oversigtsrækker skrevet.", rows
                )
                % {"count": rows}
            )

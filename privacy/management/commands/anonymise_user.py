"""Anonymise a departed user (GDPR art. 17) while keeping the history that points at them."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.management.commands.export_user_data import find_user
from privacy.services import user_anonymise


class Command(BaseCommand):
    help = (
        "Anonymisér en fratrådt bruger: e-mail og navn slettes, adgangskoden gøres ubrugelig, "
        "brugeren deaktiveres, medlemskaber, loginforsøg og sessioner fjernes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="brugerens id eller e-mailadresse")
        parser.add_argument(
            "--yes", action="store_true", help="spørg ikke om bekræftelse (kan ikke fortrydes)"
        )

    def handle(self, *args, user: str, yes: bool, **options) -> None:
        target = find_user(user)
        if not yes:
            answer = input(f"Anonymisér {target.email} (id {target.pk})? Skriv ja: ")
            if answer.strip().lower() != "ja":
                raise CommandError("Afbrudt: intet er ændret.")
        try:
            anonymised = user_anonymise(actor=None, user=target)
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from refusal
        self.stdout.write(f"Bruger {anonymised.pk} er anonymiseret som {anonymised.email}.")

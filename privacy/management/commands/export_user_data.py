"""Write everything the portal holds about one user as JSON (a request for access, GDPR art. 15)."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import User
from privacy.services import user_export


def find_user(identifier: str) -> User:
    """A user by id or by e-mail address (case-insensitive)."""
    lookup: dict[str, int | str] = (
        {"pk": int(identifier)} if identifier.isdigit() else {"email__iexact": identifier}
    )
    try:
        return User.objects.get(**lookup)
    except User.DoesNotExist as missing:
        raise CommandError(f"Ingen bruger med id eller e-mail {identifier}.") from missing


class Command(BaseCommand):
    help = "Eksportér en brugers persondata som JSON (til standardoutput eller en fil)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="brugerens id eller e-mailadresse")
        parser.add_argument("--output", help="fil at skrive til i stedet for standardoutput")

    def handle(self, *args, user: str, output: str | None, **options) -> None:
        data = json.dumps(
            user_export(user=find_user(user)), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        )
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(data + "\n")
        else:
            self.stdout.write(data)

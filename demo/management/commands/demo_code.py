"""The current second-factor code of the demo logins, for trying the portal without an app."""

from base64 import b32decode

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from demo.management.commands.seed_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Viser den aktuelle kode til totrinslogin for demo-sekretariaterne og -administratoren."

    def handle(self, *args, **options) -> None:
        code = totp(b32decode(DEMO_TOTP_SECRET))
        self.stdout.write(f"{code:06d}  (gælder i op til 30 sekunder)")

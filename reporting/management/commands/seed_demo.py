"""Demo data for a first look at the portal: demo users for every role (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Membership, User
from municipalities.models import KKR, Municipality

DEMO_PASSWORD = "Psykiatri-demo-2026"  # noqa: S105 - printed on purpose: demo logins only

# (e-mail, name, role, organisation kind, organisation key)
DEMO_USERS = [
    ("sekretariat@kkr-hovedstaden.demo", "Anne Sekretær", "secretariat", "kkr", "hovedstaden"),
    ("koordinator@kobenhavn.demo", "Mads Koordinator", "coordinator", "municipality", "101"),
    ("koordinator@frederiksberg.demo", "Fatima Koordinator", "coordinator", "municipality", "147"),
    ("koordinator@ballerup.demo", "Bo Koordinator", "coordinator", "municipality", "151"),
    ("politiker@kkr-hovedstaden.demo", "Lise Politiker", "politician", "kkr", "hovedstaden"),
    ("sekretariat@kkr-midtjylland.demo", "Jens Sekretær", "secretariat", "kkr", "midtjylland"),
]
ADMIN_EMAIL = "admin@psykiatriportalen.demo"


class Command(BaseCommand):
    help = "Opretter demobrugere for alle roller (kan køres flere gange)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        rows = []
        for email, name, role, kind, key in DEMO_USERS:
            user = self._user(email, name)
            if kind == "kkr":
                organisation = KKR.objects.get(slug=key)
                Membership.objects.get_or_create(user=user, role=role, kkr=organisation)
            else:
                organisation = Municipality.objects.get(code=key)
                Membership.objects.get_or_create(user=user, role=role, municipality=organisation)
            rows.append((email, f"{Membership.Role(role).label}, {organisation}"))
        admin = self._user(ADMIN_EMAIL, "Systemadministrator")
        if not admin.is_superuser:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        rows.append((ADMIN_EMAIL, "Systemadministrator (Django admin)"))

        self.stdout.write(
            self.style.SUCCESS(f"\nDemo-logins (adgangskode for alle: {DEMO_PASSWORD})")
        )
        width = max(len(email) for email, _ in rows)
        for email, description in rows:
            self.stdout.write(f"  {email.ljust(width)}  {description}")
        self.stdout.write("")

    def _user(self, email: str, name: str) -> User:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

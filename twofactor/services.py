"""Second factors: an authenticator app (TOTP) and one-time backup codes (django-otp)."""

from __future__ import annotations

from base64 import b32encode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

APP_DEVICE_NAME = "Godkendelsesapp"
BACKUP_DEVICE_NAME = "Reservekoder"
BACKUP_CODE_COUNT = 10


def _refuse_token() -> ValidationError:
    return ValidationError(
        _(
            "Koden er forkert eller udløbet. Skriv den kode, appen viser nu, eller en af dine "
            "reservekoder."
        ),
        code="token",
    )


@transaction.atomic
def totp_device_start(*, actor: User) -> TOTPDevice:
    """The authenticator app being set up: a new secret until the user confirms a code.

    Refused once the user has a confirmed second factor: replacing it needs that factor
    first (the views only call this in a verified session or before any device exists).
    """
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=actor, name=APP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, actor: User, device: TOTPDevice, token: str) -> list[str]:
    """The first code from the app confirms it; any earlier app stops working. Returns
    fresh backup codes."""
    if device.user_id != actor.pk or device.confirmed:
        raise ValidationError(_("Opsætningen er udløbet. Begynd forfra."), code="device")
    if not device.verify_token(token.strip().replace(" ", "")):
        raise _refuse_token()
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return backup_codes_renew(actor=actor)


@transaction.atomic
def backup_codes_renew(*, actor: User) -> list[str]:
    """Ten new one-time backup codes; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=actor, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _n in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_check(*, actor: User, token: str) -> Device:
    """The device that accepts this code (an app's current code or an unused backup code);
    the devices throttle repeated failures themselves."""
    device = match_token(actor, token.strip().replace(" ", "")) if token.strip() else None
    if device is None:
        raise _refuse_token()
    return device


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def readable_secret(device: TOTPDevice) -> str:
    """The app's secret in base32, in groups of four, for typing it in by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_device_install(*, user: User, key_hex: str) -> TOTPDevice:
    """A confirmed app with a given secret: the demo's documented one (demo.seed_demo)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=key_hex, confirmed=True)

"""Each user's private calendar feed: a secret token in the address, renewable by its owner."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.models import TimeStampedModel


def new_token() -> str:
    """256 random bits, URL-safe: the feed address is the only key to it."""
    return secrets.token_urlsafe(32)


class CalendarFeed(TimeStampedModel):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("bruger")
    )
    token = models.CharField(_("nøgle"), max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnementer")

    def __str__(self) -> str:
        return str(self.user)

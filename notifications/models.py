"""What the portal sends on its own: the log of automatic reminders, and the rounds whose
reminders the secretariat has switched off."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from reporting.models import Report, ReportingRound


class ReminderSent(models.Model):
    """A reminder e-mail sent for a report at an offset from its deadline; never twice."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("rapport")
    )
    offset_days = models.SmallIntegerField(
        _("dage i forhold til fristen"), help_text=_("Negativ før fristen, positiv efter.")
    )
    deadline = models.DateField(_("frist på afsendelsestidspunktet"))
    sent_at = models.DateTimeField(_("sendt"), default=timezone.now)

    class Meta:
        verbose_name = _("sendt påmindelse")
        verbose_name_plural = _("sendte påmindelser")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "offset_days", "deadline"],
                name="reminder_once_per_offset_and_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.offset_days:+d})"


class RoundReminderPause(models.Model):
    """A round whose automatic reminders the secretariat has switched off; none go out."""

    round = models.OneToOneField(
        ReportingRound,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reminder_pause",
        verbose_name=_("runde"),
    )
    paused_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paused_at = models.DateTimeField(_("slået fra"), default=timezone.now)

    class Meta:
        verbose_name = _("runde uden automatiske påmindelser")
        verbose_name_plural = _("runder uden automatiske påmindelser")

    def __str__(self) -> str:
        return str(self.round)

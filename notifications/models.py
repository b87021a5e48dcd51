"""What the portal has sent on its own: the log of automatic reminders."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models import Report


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

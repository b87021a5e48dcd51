"""The KKR meeting's material for a reporting round: the report (PDF) and the agenda item.

A meeting report is made by a background job (`material.tasks`); the row here ties the job's
file to its round, so that everyone who may read the round fetches the same file (decision 22).
The agenda item (dagsordenspunkt, in the shape of seed 001) is the secretariat's text for the
round, pre-filled from the round's figures.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import User
from core.models import TimeStampedModel
from jobs.models import Job
from meetings.models import AgendaItem
from reporting.models import ReportingRound


class MeetingMaterial(TimeStampedModel):
    """One meeting report of a round. Its file is the job's result; who made it and when are
    the job's `created_by` and `finished_at`."""

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="meeting_materials",
        verbose_name=_("afrapporteringsrunde"),
    )
    job = models.OneToOneField(
        Job, on_delete=models.CASCADE, related_name="meeting_material", verbose_name=_("job")
    )
    meeting_date = models.DateField(_("mødedato"), null=True, blank=True)

    class Meta:
        verbose_name = _("mødemateriale")
        verbose_name_plural = _("mødemateriale")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.round} ({self.created_at:%d.%m.%Y %H.%M})"


class AgendaPaper(TimeStampedModel):
    """The round's dagsordenspunkt: Baggrund, Indstilling, Sagsfremstilling (seed 001)."""

    round = models.OneToOneField(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="agenda_paper",
        verbose_name=_("afrapporteringsrunde"),
    )
    title = models.CharField(_("overskrift"), max_length=200)
    background = models.TextField(_("baggrund"))
    recommendation = models.TextField(_("indstilling"))
    presentation = models.TextField(_("sagsfremstilling"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_papers",
        verbose_name=_("punkt på KKR-mødets dagsorden"),
        help_text=_("Et punkt på et KKR-møde, der henviser til runden."),
    )
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("rettet af")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dagsordenspunkt for en runde")
        verbose_name_plural = _("dagsordenspunkter for runder")

    def __str__(self) -> str:
        return self.title

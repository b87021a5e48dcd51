"""Pilot projects: optional initiatives that one municipality leads and others join.

A pilot project belongs to a pilot initiative of an adopted framework. Its lead municipality
invites other municipalities of the same KKR; each invitation is a participation that the
invited municipality accepts or declines. Results, once shared, are the project's purpose.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import User
from accounts.querysets import ScopedQuerySet
from commitments.models import Initiative
from core.models import TimeStampedModel
from core.validators import validate_single_line
from municipalities.models import Municipality


class PilotProjectQuerySet(ScopedQuerySet):
    def visible_to(self, user: User | AnonymousUser) -> PilotProjectQuerySet:
        """Everyone signed in reads pilot projects: sharing results is their purpose."""
        return self.for_user(
            user, lambda scope: models.Q(), anonymous=models.Q(results_published=True)
        )

    def editable_by(self, user: User | AnonymousUser) -> PilotProjectQuerySet:
        """The lead municipality's coordinators change a pilot project
        (`pilots.permissions.can_edit_pilot`)."""
        return self.for_user(
            user,
            lambda scope: models.Q(lead_municipality_id__in=scope.coordinator_municipality_ids),
            administrators=False,
        )


class PilotProject(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        RUNNING = "running", _("I gang")
        COMPLETED = "completed", _("Afsluttet")
        STOPPED = "stopped", _("Stoppet")

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        related_name="pilot_projects",
        verbose_name=_("pilotindsats"),
        limit_choices_to={"kind": Initiative.Kind.PILOT},
    )
    title = models.CharField(_("titel"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("beskrivelse"))
    lead_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="led_pilot_projects",
        verbose_name=_("tovholderkommune"),
    )
    participants: models.ManyToManyField[Municipality, PilotParticipation] = models.ManyToManyField(
        Municipality,
        through="PilotParticipation",
        related_name="pilot_projects",
        verbose_name=_("deltagende kommuner"),
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("slut"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    contact_name = models.CharField(
        _("kontaktperson"), max_length=150, blank=True, validators=[validate_single_line]
    )
    contact_email = models.EmailField(_("kontaktpersonens e-mail"), blank=True)
    results = models.TextField(_("resultater og erfaringer"), blank=True)
    results_published = models.BooleanField(
        _("resultater delt med de øvrige kommuner"), default=False
    )

    history = HistoricalRecords()
    objects = PilotProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("pilotprojekt")
        verbose_name_plural = _("pilotprojekter")
        ordering = ["initiative__code", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="pilot_ends_after_start",
                violation_error_message=_("Slutdatoen skal ligge efter startdatoen."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pilots:pilot_detail", kwargs={"pk": self.pk})


class PilotParticipation(TimeStampedModel):
    class Status(models.TextChoices):
        INVITED = "invited", _("Inviteret")
        ACCEPTED = "accepted", _("Deltager")
        DECLINED = "declined", _("Takket nej")

    project = models.ForeignKey(
        PilotProject,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("pilotprojekt"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="pilot_participations",
        verbose_name=_("kommune"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deltagelse i pilotprojekt")
        verbose_name_plural = _("deltagelser i pilotprojekter")
        ordering = ["project", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "municipality"],
                name="pilot_participation_unique",
                violation_error_message=_("Kommunen er allerede med i pilotprojektet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} i {self.project}"

"""How a KKR arrives at common goals: a mapping (kortlægning) and a process plan.

Seed 001: KKR Midtjylland approved terms of reference (kommissorium) for a mapping of
psychiatry in its municipalities, six of them studied in depth and fifteen at a workshop. The
mapping found five citizen-facing tracks and challenges inside the municipalities, with the
region and in the framework conditions. The KKR then asked its steering groups (KOSU and
DASSOS) for a process plan, so that proposals for common initiatives and goals reach the
KKR; a milestone of the plan may name the draft framework it produces.

Steering groups and the parties to involve are rows the KKR's secretariat keeps: councils
and committees change, so they are data, never code.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import User
from accounts.querysets import ScopedQuerySet
from commitments.models import Framework
from core.models import StoredFile, TimeStampedModel
from core.validators import validate_single_line
from municipalities.models import KKR, Municipality


class KKRRowQuerySet(ScopedQuerySet):
    """Rows of a KKR: read by everyone of that KKR, written by its secretariat."""

    kkr_lookup = "kkr_id"

    def visible_to(self, user: User | AnonymousUser) -> KKRRowQuerySet:
        """Everyone who acts for the KKR or one of its municipalities, in any role
        (`mappings.permissions.can_read_path`)."""
        lookup = f"{self.kkr_lookup}__in"
        return self.for_user(user, lambda scope: models.Q(**{lookup: scope.kkr_ids}))

    def editable_by(self, user: User | AnonymousUser) -> KKRRowQuerySet:
        """The KKR's secretariat (`mappings.permissions.can_edit_path`)."""
        lookup = f"{self.kkr_lookup}__in"
        return self.for_user(user, lambda scope: models.Q(**{lookup: scope.secretariat_kkr_ids}))


class Mapping(TimeStampedModel):
    kkr = models.ForeignKey(
        KKR, on_delete=models.PROTECT, related_name="mappings", verbose_name=_("KKR")
    )
    title = models.CharField(_("titel"), max_length=255, validators=[validate_single_line])
    terms_of_reference = models.TextField(
        _("kommissorium"), help_text=_("Kommissoriets tekst, som KKR godkendte den.")
    )
    terms_approved_on = models.DateField(_("kommissoriet godkendt den"))
    method = models.TextField(
        _("sådan blev kortlægningen lavet"),
        blank=True,
        help_text=_("Fx kvalitativ kortlægning, workshop og skriftlig kommentering."),
    )
    studied_municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="mappings_studied_in",
        verbose_name=_("kommuner kortlagt i dybden"),
    )
    workshop_municipality_count = models.PositiveSmallIntegerField(
        _("kommuner med på workshoppen"), null=True, blank=True
    )
    summary = models.TextField(_("samlet resultat"), blank=True)
    presented_on = models.DateField(
        _("forelagt KKR den"),
        null=True,
        blank=True,
        help_text=_("Tom, indtil kortlægningen er forelagt KKR."),
    )

    history = HistoricalRecords(m2m_fields=[studied_municipalities])
    objects = KKRRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("kortlægning")
        verbose_name_plural = _("kortlægninger")
        ordering = ["kkr__name", "terms_approved_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(presented_on__isnull=True)
                | models.Q(presented_on__gte=models.F("terms_approved_on")),
                name="mapping_presented_after_terms",
                violation_error_message=_(
                    "Kortlægningen kan ikke være forelagt KKR, før kommissoriet blev godkendt."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mappings:mapping_detail", kwargs={"pk": self.pk})

    @property
    def is_presented(self) -> bool:
        return self.presented_on is not None


class Track(TimeStampedModel):
    """A citizen-facing track the mapping found, e.g. "Tidlig opsporing"."""

    mapping = models.ForeignKey(
        Mapping, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("kortlægning")
    )
    name = models.CharField(_("spor"), max_length=200, validators=[validate_single_line])
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("borgerrettet spor")
        verbose_name_plural = _("borgerrettede spor")
        ordering = ["mapping", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Challenge(TimeStampedModel):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Interne udfordringer i kommunerne")
        EXTERNAL = "external", _("Eksterne udfordringer i samspillet med regionen")
        FRAMEWORK = "framework", _("Samfundsmæssige rammevilkår")

    mapping = models.ForeignKey(
        Mapping,
        on_delete=models.CASCADE,
        related_name="challenges",
        verbose_name=_("kortlægning"),
    )
    kind = models.CharField(_("slags"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("udfordring"), max_length=500, validators=[validate_single_line])
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("udfordring")
        verbose_name_plural = _("udfordringer")
        ordering = ["mapping", "kind", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class MappingDocument(StoredFile):
    mapping = models.ForeignKey(
        Mapping, on_delete=models.CASCADE, related_name="documents", verbose_name=_("kortlægning")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dokument til kortlægning")
        verbose_name_plural = _("dokumenter til kortlægninger")
        ordering = ["mapping", "created_at", "pk"]

    def storage_folder(self) -> str:
        return f"kortlaegninger/{self.mapping_id}"


class SteeringGroup(TimeStampedModel):
    """A group that owns milestones, e.g. KOSU or DASSOS in Midtjylland."""

    kkr = models.ForeignKey(
        KKR, on_delete=models.PROTECT, related_name="steering_groups", verbose_name=_("KKR")
    )
    short_name = models.CharField(
        _("kort navn"), max_length=40, validators=[validate_single_line], help_text=_("Fx KOSU.")
    )
    name = models.CharField(
        _("beskrivelse"),
        max_length=255,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Fx administrativ styregruppe på sundhedsområdet."),
    )

    history = HistoricalRecords()
    objects = KKRRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("styregruppe")
        verbose_name_plural = _("styregrupper")
        ordering = ["kkr__name", "short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kkr", "short_name"],
                name="steering_group_short_name_unique_in_kkr",
                violation_error_message=_("KKR'et har allerede en styregruppe med dette navn."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name


class Party(TimeStampedModel):
    """Someone a milestone must involve, e.g. "kommunerne politisk" or "praktiserende læger"."""

    kkr = models.ForeignKey(
        KKR, on_delete=models.PROTECT, related_name="parties", verbose_name=_("KKR")
    )
    name = models.CharField(_("navn"), max_length=150, validators=[validate_single_line])
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    history = HistoricalRecords()
    objects = KKRRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("part, der skal inddrages")
        verbose_name_plural = _("parter, der skal inddrages")
        ordering = ["kkr__name", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kkr", "name"],
                name="party_name_unique_in_kkr",
                violation_error_message=_("KKR'et har allerede en part med dette navn."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProcessPlanQuerySet(KKRRowQuerySet):
    kkr_lookup = "mapping__kkr_id"


class ProcessPlan(TimeStampedModel):
    """The steering groups' plan toward common goals, made after the mapping."""

    mapping = models.OneToOneField(
        Mapping,
        on_delete=models.PROTECT,
        related_name="process_plan",
        verbose_name=_("kortlægning"),
    )
    title = models.CharField(_("titel"), max_length=255, validators=[validate_single_line])
    purpose = models.TextField(
        _("formål"), help_text=_("Hvad processen skal nå frem til, og hvem der skal inddrages.")
    )
    requested_on = models.DateField(_("KKR bad om procesplanen den"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ProcessPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("procesplan")
        verbose_name_plural = _("procesplaner")
        ordering = ["mapping"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        path = reverse("mappings:path", kwargs={"slug": self.mapping.kkr.slug})
        return f"{path}#procesplan-{self.mapping_id}"


class MilestoneQuerySet(KKRRowQuerySet):
    kkr_lookup = "plan__mapping__kkr_id"


class Milestone(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        IN_PROGRESS = "in_progress", _("I gang")
        DONE = "done", _("Gennemført")

    plan = models.ForeignKey(
        ProcessPlan,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("procesplan"),
    )
    title = models.CharField(_("milepæl"), max_length=255, validators=[validate_single_line])
    description = models.TextField(_("beskrivelse"), blank=True)
    date = models.DateField(_("dato"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    owners = models.ManyToManyField(
        SteeringGroup, blank=True, related_name="milestones", verbose_name=_("ansvarlige")
    )
    involved = models.ManyToManyField(
        Party, blank=True, related_name="milestones", verbose_name=_("inddrages")
    )
    framework = models.ForeignKey(
        Framework,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("rammepapir, milepælen fører til"),
        help_text=_("Fx det udkast, der forelægges KKR."),
    )

    history = HistoricalRecords(m2m_fields=[owners, involved])
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")
        ordering = ["plan", "date", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        path = reverse("mappings:path", kwargs={"slug": self.plan.mapping.kkr.slug})
        return f"{path}#milepael-{self.pk}"

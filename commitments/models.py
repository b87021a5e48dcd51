"""Frameworks of common commitments: goals, strategic areas, blocks and initiatives.

A framework (rammepapir) belongs to one KKR. Its strategic areas (målsætningsområder) hold
one or more blocks of initiatives: area 1 of the Hovedstaden psychiatry paper has a second
block, "børn og unge som særligt indsatsområde", with its own mandatory initiatives and
pilot projects. Each initiative is either mandatory for every municipality or a pilot project.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import User
from accounts.querysets import ScopedQuerySet
from core.models import TimeStampedModel
from municipalities.models import KKR


class FrameworkQuerySet(ScopedQuerySet):
    def published(self) -> FrameworkQuerySet:
        """Frameworks anyone may read: adopted or replaced, never drafts or in consultation."""
        return self.filter(status__in=Framework.PUBLISHED)

    def visible_to(self, user: User | AnonymousUser) -> FrameworkQuerySet:
        """Published frameworks; those in consultation to everyone of their KKR; drafts to
        their KKR's secretariat."""
        return self.for_user(
            user,
            lambda scope: (
                models.Q(status__in=Framework.PUBLISHED)
                | models.Q(status=Framework.Status.CONSULTATION, kkr_id__in=scope.kkr_ids)
                | models.Q(kkr_id__in=scope.secretariat_kkr_ids)
            ),
        )

    def editable_by(self, user: User | AnonymousUser) -> FrameworkQuerySet:
        """Frameworks the user may change (`commitments.permissions.can_edit_framework`)."""
        return self.for_user(user, lambda scope: models.Q(kkr_id__in=scope.secretariat_kkr_ids))


class Framework(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Udkast")
        CONSULTATION = "consultation", _("I høring")
        ADOPTED = "adopted", _("Vedtaget")
        REPLACED = "replaced", _("Erstattet")

    PUBLISHED = (Status.ADOPTED, Status.REPLACED)
    # A framework is written while a draft or in consultation; once adopted, only a new
    # revision may change it, so that the rounds answered on it keep their meaning.
    EDITABLE = (Status.DRAFT, Status.CONSULTATION)

    kkr = models.ForeignKey(
        KKR, on_delete=models.PROTECT, related_name="frameworks", verbose_name=_("KKR")
    )
    slug = models.SlugField(_("kortnavn i adresse"), max_length=80, unique=True)
    title = models.CharField(_("titel"), max_length=255)
    subtitle = models.CharField(_("undertitel"), max_length=255, blank=True)
    adopted_on = models.DateField(_("vedtaget den"), null=True, blank=True)
    implementation_start = models.PositiveSmallIntegerField(
        _("implementering påbegyndes (år)"), null=True, blank=True
    )
    implementation_end = models.PositiveSmallIntegerField(
        _("implementering påbegyndt senest (år)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    introduction = models.TextField(_("indledning"), blank=True)
    adoption_decision = models.CharField(
        _("beslutning"),
        max_length=255,
        blank=True,
        help_text=_(
            "Hvor rammepapiret blev vedtaget, fx KKR Hovedstadens møde den 4. februar 2013."
        ),
    )
    adoption_url = models.URLField(
        _("link til beslutningen"),
        blank=True,
        help_text=_("Fx dagsorden eller referat fra mødet."),
    )
    adopted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vedtagelse registreret af"),
    )
    adopted_at = models.DateTimeField(_("vedtagelse registreret"), null=True, blank=True)
    # The framework this one revises (decision 27): set when a revision is started or
    # imported, never changed; adopting the revision replaces it.
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("revision af"),
    )
    # Bumped by every service that changes the framework's pilot projects or who takes part
    # in them (pilots.services.pilots_changed): cached dashboard pages that show pilot
    # figures are keyed by it, as figures of a round are by its results_version.
    pilots_version = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["pilots_version"])
    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("rammepapir")
        verbose_name_plural = _("rammepapirer")
        ordering = ["kkr__name", "-adopted_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(implementation_start__isnull=True)
                | models.Q(implementation_end__isnull=True)
                | models.Q(implementation_start__lte=models.F("implementation_end")),
                name="framework_implementation_period_ordered",
                violation_error_message=_(
                    "Implementeringsperioden skal slutte samme år eller senere, end den begynder."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["adopted", "replaced"])
                | models.Q(adopted_on__isnull=False),
                name="framework_adopted_has_date",
                violation_error_message=_("Et vedtaget rammepapir skal have en vedtagelsesdato."),
            ),
            # One revision of a framework being written per KKR at a time: two drafts that
            # each replace the same paper on adoption would undo each other.
            models.UniqueConstraint(
                fields=["revision_of", "kkr"],
                condition=models.Q(status__in=["draft", "consultation"]),
                name="framework_one_revision_in_progress",
                violation_error_message=_(
                    "Rammepapiret har allerede en revision, der er under udarbejdelse."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commitments:framework_detail", kwargs={"slug": self.slug})

    @property
    def implementation_period(self) -> str:
        if self.implementation_start and self.implementation_end:
            return f"{self.implementation_start}–{self.implementation_end}"
        return ""

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_published(self) -> bool:
        return self.status in self.PUBLISHED


class OverarchingGoal(TimeStampedModel):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="goals", verbose_name=_("rammepapir")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("tekst"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("overordnet målsætning")
        verbose_name_plural = _("overordnede målsætninger")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"],
                name="goal_number_unique_in_framework",
                violation_error_message=_(
                    "Rammepapiret har allerede en målsætning med dette nummer."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class StrategicArea(TimeStampedModel):
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="areas", verbose_name=_("rammepapir")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("titel"), max_length=255)
    description = models.TextField(_("beskrivelse"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategisk målsætningsområde")
        verbose_name_plural = _("strategiske målsætningsområder")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"],
                name="area_number_unique_in_framework",
                violation_error_message=_("Rammepapiret har allerede et område med dette nummer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class InitiativeBlock(TimeStampedModel):
    """A group of initiatives within an area.

    Every area has a main block (no title of its own: it is the area). An area may have
    further blocks with a focus of their own, such as children and young people in area 1.
    """

    area = models.ForeignKey(
        StrategicArea,
        on_delete=models.PROTECT,
        related_name="blocks",
        verbose_name=_("målsætningsområde"),
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(
        _("titel"),
        max_length=255,
        blank=True,
        help_text=_("Tom for områdets hovedblok."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indsatsblok")
        verbose_name_plural = _("indsatsblokke")
        ordering = ["area", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "number"],
                name="block_number_unique_in_area",
                violation_error_message=_("Området har allerede en blok med dette nummer."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.area)

    @property
    def is_main(self) -> bool:
        return not self.title

    @property
    def code_prefix(self) -> str:
        """How its initiatives' codes begin: the area's number, then b, c … for a further block."""
        letter = "" if self.number == 1 else chr(ord("a") + self.number - 1)
        return f"{self.area.number}{letter}"


class Method(TimeStampedModel):
    """A method or instrument the framework names, e.g. VUM, FKO or Åben Dialog."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="methods", verbose_name=_("rammepapir")
    )
    name = models.CharField(_("navn"), max_length=150)
    description = models.TextField(_("beskrivelse"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("metode")
        verbose_name_plural = _("metoder")
        ordering = ["framework", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "name"],
                name="method_name_unique_in_framework",
                violation_error_message=_("Rammepapiret nævner allerede denne metode."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


# An initiative's code: the area's number, a letter for a further block of the area, a full
# stop, F (forpligtende) or P (pilotprojekt) and a number: 1.F2, 1b.P1. The heat map joins
# "code:value" pairs with commas, and URLs carry the code as a path segment, so nothing else
# may appear in it. The same pattern is the field's validator and the database's constraint.
INITIATIVE_CODE_PATTERN = r"^[0-9]+[a-z]?\.[FP][0-9]+$"
INITIATIVE_CODE_MESSAGE = _(
    "Koden skal bestå af områdets nummer, eventuelt et bogstav for blokken, et punktum, F "
    "(forpligtende) eller P (pilotprojekt) og et nummer, fx 1.F2 eller 1b.P1."
)


PREDECESSOR_MESSAGE = _(
    "En ny indsats har ingen forgænger; en uændret, omformuleret eller delt indsats skal have "
    "en forgænger."
)
PREDECESSOR_FRAMEWORK_MESSAGE = _(
    "Forgængeren skal være en indsats i det rammepapir, som revisionen afløser."
)


class InitiativeQuerySet(models.QuerySet):
    def mandatory(self) -> InitiativeQuerySet:
        return self.filter(kind=Initiative.Kind.MANDATORY)

    def pilots(self) -> InitiativeQuerySet:
        return self.filter(kind=Initiative.Kind.PILOT)

    def in_display_order(self) -> InitiativeQuerySet:
        return self.order_by("block__area__number", "block__number", "kind", "order")


class Initiative(TimeStampedModel):
    class Kind(models.TextChoices):
        MANDATORY = "mandatory", _("Forpligtende for alle kommuner")
        PILOT = "pilot", _("Pilotprojekt")

    class Relation(models.TextChoices):
        """How an initiative of a revision stands to its predecessor. An initiative of the
        earlier framework that no initiative names is dropped (udgået): derived, not stored."""

        SAME = "same", _("Uændret")
        REWORDED = "reworded", _("Omformuleret")
        SPLIT = "split", _("Delt")
        NEW = "new", _("Ny")

    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("rammepapir"),
    )
    block = models.ForeignKey(
        InitiativeBlock,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("blok"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    code = models.CharField(
        _("kode"),
        max_length=20,
        validators=[RegexValidator(INITIATIVE_CODE_PATTERN, INITIATIVE_CODE_MESSAGE)],
        help_text=_("En fast kort kode, fx 1.F2 for den anden forpligtende indsats."),
    )
    title = models.CharField(_("kort titel"), max_length=200)
    text = models.TextField(_("fuld tekst"))
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    methods = models.ManyToManyField(
        Method, blank=True, related_name="initiatives", verbose_name=_("nævnte metoder")
    )
    # The initiative of the framework this one revises (Framework.revision_of) that this one
    # continues; rounds answered on it are followed across revisions (decision 27).
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("forgænger"),
    )
    relation = models.CharField(
        _("forhold til forgængeren"),
        max_length=10,
        choices=Relation.choices,
        default=Relation.NEW,
    )

    history = HistoricalRecords(m2m_fields=[methods])
    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        ordering = ["framework", "block__area__number", "block__number", "kind", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"],
                name="initiative_code_unique_in_framework",
                violation_error_message=_("Rammepapiret har allerede en indsats med denne kode."),
            ),
            models.CheckConstraint(
                # Python's "$" (SQLite's REGEXP) also matches before a final line break.
                condition=models.Q(code__regex=INITIATIVE_CODE_PATTERN)
                & ~models.Q(code__contains="\n"),
                name="initiative_code_format",
                violation_error_message=INITIATIVE_CODE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=(models.Q(relation="new") & models.Q(predecessor__isnull=True))
                | (~models.Q(relation="new") & models.Q(predecessor__isnull=False)),
                name="initiative_new_iff_no_predecessor",
                violation_error_message=PREDECESSOR_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "commitments:initiative_detail",
            kwargs={"slug": self.framework.slug, "code": self.code},
        )

    def clean(self) -> None:
        if (
            self.block_id
            and self.framework_id
            and self.block.area.framework_id != self.framework_id
        ):
            raise ValidationError({"block": _("Blokken skal høre til indsatsens rammepapir.")})
        predecessor = self.predecessor if self.predecessor_id else None
        if (
            predecessor is not None
            and self.framework_id
            and predecessor.framework_id != self.framework.revision_of_id
        ):
            raise ValidationError({"predecessor": PREDECESSOR_FRAMEWORK_MESSAGE})

    @property
    def is_mandatory(self) -> bool:
        return self.kind == self.Kind.MANDATORY

    def match_relation_to_wording(self) -> None:
        """ "Same" and "reworded" say whether the wording is the predecessor's: the rounds
        answered on it were answered on this wording, or not. Every write of a revision's
        initiative calls this before saving (the editor, the import)."""
        predecessor = self.predecessor if self.predecessor_id else None
        if predecessor is None or self.relation not in (self.Relation.SAME, self.Relation.REWORDED):
            return
        same = (predecessor.title, predecessor.text) == (self.title, self.text)
        self.relation = self.Relation.SAME if same else self.Relation.REWORDED

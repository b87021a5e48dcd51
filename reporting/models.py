"""Reporting rounds: what each municipality reports on each initiative of a framework.

A round asks every municipality of the framework's KKR for one report. Opening a round creates
the reports and, in each, one entry per initiative, with a snapshot of the initiative's wording:
what a municipality answered in a closed round never changes when the framework is revised.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import User
from accounts.querysets import ScopedQuerySet
from commitments.models import Framework, Initiative, Method
from core.models import StoredFile, TimeStampedModel
from core.validators import is_safe_link, validate_links, validate_no_cpr_number
from municipalities.models import Municipality

# Words that paths under /afrapportering/runder/ use beside a round's slug (reporting/urls.py):
# a round with one of them as its slug would be shadowed by that page.
RESERVED_ROUND_SLUGS = frozenset({"ny", "rapport"})


def validate_round_slug(value: str) -> None:
    if value in RESERVED_ROUND_SLUGS:
        raise ValidationError(_("Kortnavnet er reserveret. Vælg et andet."), code="reserved")


class RoundQuerySet(ScopedQuerySet):
    def visible_to(self, user: User | AnonymousUser) -> RoundQuerySet:
        """Drafts only for the owning secretariat; open and closed rounds for everyone signed in;
        published rounds for visitors (`reporting.permissions.can_see_round`)."""
        return self.for_user(
            user,
            lambda scope: (
                ~models.Q(status=ReportingRound.Status.DRAFT)
                | models.Q(framework__kkr_id__in=scope.secretariat_kkr_ids)
            ),
            anonymous=models.Q(published_at__isnull=False),
        )

    def managed_by(self, user: User | AnonymousUser) -> RoundQuerySet:
        """Rounds the user may change (`reporting.permissions.can_manage_round`)."""
        return self.for_user(
            user, lambda scope: models.Q(framework__kkr_id__in=scope.secretariat_kkr_ids)
        )


class ReportingRound(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        OPEN = "open", _("Åben")
        CLOSED = "closed", _("Lukket")

    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("rammepapir")
    )
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(
        _("kortnavn i adresse"), max_length=80, unique=True, validators=[validate_round_slug]
    )
    opens_on = models.DateField(_("åbner den"))
    deadline = models.DateField(_("frist"))
    introduction = models.TextField(_("indledning"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opened_at = models.DateTimeField(_("åbnet"), null=True, blank=True)
    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True)
    published_at = models.DateTimeField(_("offentliggjort"), null=True, blank=True)
    # The round's rule for submitting (set by the secretariat, checked by report_submit): what
    # must be answered beyond a status or participation on every line, which is always required.
    require_political_answers = models.BooleanField(
        _("de politiske spørgsmål skal besvares"),
        default=False,
        help_text=_("En rapport kan ikke indsendes, før alle politiske spørgsmål er besvaret."),
    )
    require_confirmed_lines = models.BooleanField(
        _("overførte svar skal bekræftes"),
        default=False,
        help_text=_(
            "En rapport kan ikke indsendes, før hver linje, der er overført fra forrige runde, "
            "er bekræftet eller rettet."
        ),
    )
    results_version = models.PositiveIntegerField(
        _("resultatversion"),
        default=1,
        editable=False,
        help_text=_("Tælles op, hver gang en rapport i runden ændres; nøgle til cachede tal."),
    )

    history = HistoricalRecords(excluded_fields=["results_version"])
    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("afrapporteringsrunde")
        verbose_name_plural = _("afrapporteringsrunder")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opens_on")),
                name="round_deadline_after_opening",
                violation_error_message=_("Fristen skal ligge på eller efter åbningsdatoen."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reporting:round_detail", kwargs={"slug": self.slug})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class PoliticalQuestion(TimeStampedModel):
    """A question the round asks each municipality's council (seed 002 gives the default three)."""

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("runde"),
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("spørgsmål"))

    # An open round's questions may be corrected and added to; the round's history shows how.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("politisk spørgsmål")
        verbose_name_plural = _("politiske spørgsmål")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"],
                name="question_number_unique_in_round",
                violation_error_message=_("Runden har allerede et spørgsmål med dette nummer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class ReportQuerySet(ScopedQuerySet):
    SHARED_STATUSES = ("submitted", "approved")

    def visible_to(self, user: User | AnonymousUser) -> ReportQuerySet:
        """Own municipality's reports in every state; others' only once submitted or approved.

        The secretariat sees every report of its KKR, drafts included. Visitors who are not
        signed in see approved reports of published rounds only.
        """
        return self.for_user(
            user,
            lambda scope: (
                models.Q(status__in=self.SHARED_STATUSES)
                | models.Q(municipality_id__in=scope.coordinator_municipality_ids)
                | models.Q(municipality__kkr_id__in=scope.secretariat_kkr_ids)
            ),
            anonymous=models.Q(status=Report.Status.APPROVED, round__published_at__isnull=False),
        )

    def editable_by(self, user: User | AnonymousUser) -> ReportQuerySet:
        """Reports the user may write: own municipality, still with the municipality, round open
        (`reporting.permissions.can_edit_report`; administrators do not write answers)."""
        return self.for_user(
            user,
            lambda scope: models.Q(
                municipality_id__in=scope.coordinator_municipality_ids,
                status__in=Report.EDITABLE_STATUSES,
                round__status=ReportingRound.Status.OPEN,
            ),
            administrators=False,
        )

    def reviewable_by(self, user: User | AnonymousUser) -> ReportQuerySet:
        """Reports the user reviews as secretariat (approve, return, extend the deadline;
        `reporting.permissions.can_review_report`)."""
        return self.for_user(
            user, lambda scope: models.Q(municipality__kkr_id__in=scope.secretariat_kkr_ids)
        )

    def with_history_for(self, user: User | AnonymousUser) -> ReportQuerySet:
        """Reports whose history the user may read: the KKR's secretariat, own coordinators.
        The history holds every draft value, so it is narrower than `visible_to`
        (`reporting.permissions.can_see_report_history`)."""
        return self.for_user(
            user,
            lambda scope: (
                models.Q(municipality__kkr_id__in=scope.secretariat_kkr_ids)
                | models.Q(municipality_id__in=scope.coordinator_municipality_ids)
            ),
        )


class Report(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        SUBMITTED = "submitted", _("Indsendt")
        RETURNED = "returned", _("Sendt retur")
        APPROVED = "approved", _("Godkendt")

    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

    round = models.ForeignKey(
        ReportingRound, on_delete=models.PROTECT, related_name="reports", verbose_name=_("runde")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("kommune"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Tælles op ved hver gemning (optimistisk låsning).")
    )
    started_at = models.DateTimeField(_("påbegyndt"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(_("kommentar ved returnering"), blank=True)
    deadline_override = models.DateField(_("forlænget frist"), null=True, blank=True)
    deadline_override_reason = models.CharField(
        _("begrundelse for forlænget frist"), max_length=255, blank=True
    )
    council_body = models.CharField(
        _("politisk behandlet i"),
        max_length=200,
        blank=True,
        help_text=_("Fx kommunalbestyrelsen eller sundhedsudvalget."),
    )
    council_date = models.DateField(_("behandlet den"), null=True, blank=True)
    # The round whose approved report pre-filled this one when the round opened (none when
    # nothing was carried over); each carried-over line says so itself (ReportEntry).
    prefilled_from = models.ForeignKey(
        ReportingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forudfyldt fra"),
    )

    history = HistoricalRecords()
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        ordering = ["round", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality"],
                name="report_one_per_municipality_and_round",
                violation_error_message=_("Kommunen har allerede en rapport i denne runde."),
            ),
            models.CheckConstraint(
                condition=models.Q(deadline_override__isnull=True)
                | ~models.Q(deadline_override_reason=""),
                name="report_deadline_override_has_reason",
                violation_error_message=_("En forlænget frist skal have en begrundelse."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report_detail", kwargs={"pk": self.pk})

    @property
    def deadline(self) -> datetime.date:
        return self.deadline_override or self.round.deadline

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES and self.round.is_open

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in self.EDITABLE_STATUSES
            and self.round.is_open
            and timezone.localdate() > self.deadline
        )

    @property
    def progress(self) -> str:
        """The follow-up state: not started, in progress, submitted, returned, approved."""
        if self.status == self.Status.DRAFT:
            return "not_started" if self.started_at is None else "in_progress"
        return self.status

    @property
    def awaits_confirmation(self) -> bool:
        """Pre-filled from an earlier round and not yet opened by the municipality: every
        answer in it is still the earlier round's."""
        return (
            self.status == self.Status.DRAFT
            and self.started_at is None
            and self.prefilled_from_id is not None
        )


class ReportEntry(TimeStampedModel):
    """A municipality's answer on one initiative, with the initiative's wording as it was."""

    # What a municipality answers (as opposed to the snapshot of the initiative): copied by
    # pre-fill, written by the report form, shown by the history page.
    ANSWER_FIELDS = (
        "status",
        "narrative",
        "other_methods",
        "next_steps",
        "links",
        "participation",
        "pilot_project",
    )

    class ImplementationStatus(models.IntegerChoices):
        NOT_STARTED = 0, _("Ikke påbegyndt")
        PLANNED = 1, _("Planlagt")
        IN_PROGRESS = 2, _("I gang")
        IMPLEMENTED = 3, _("Implementeret")
        EMBEDDED = 4, _("Forankret i drift")

    class Participation(models.TextChoices):
        NOT_PARTICIPATING = "no", _("Deltager ikke")
        CONSIDERING = "considering", _("Overvejer")
        PARTICIPATING = "participating", _("Deltager")
        LEAD = "lead", _("Tovholder")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="entries", verbose_name=_("rapport")
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="entries", verbose_name=_("indsats")
    )
    # Snapshot of the initiative when the round opened.
    initiative_code = models.CharField(_("indsatskode"), max_length=20)
    initiative_title = models.CharField(_("indsatsens titel"), max_length=200)
    initiative_text = models.TextField(_("indsatsens tekst"))
    initiative_kind = models.CharField(
        _("indsatstype"), max_length=10, choices=Initiative.Kind.choices
    )
    area_number = models.PositiveSmallIntegerField(_("områdenummer"))
    area_title = models.CharField(_("område"), max_length=255)
    block_title = models.CharField(_("blok"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("placering"))

    status = models.PositiveSmallIntegerField(
        _("status"), choices=ImplementationStatus.choices, null=True, blank=True
    )
    narrative = models.TextField(
        _("sådan arbejder kommunen med indsatsen"),
        blank=True,
        help_text=_("Mange veje til samme mål: beskriv kommunens egen måde."),
        validators=[validate_no_cpr_number],
    )
    methods = models.ManyToManyField(
        Method, blank=True, related_name="entries", verbose_name=_("metoder og redskaber")
    )
    other_methods = models.CharField(
        _("andre metoder"), max_length=500, blank=True, validators=[validate_no_cpr_number]
    )
    next_steps = models.TextField(
        _("planlagte næste skridt"), blank=True, validators=[validate_no_cpr_number]
    )
    links = models.TextField(
        _("links"),
        blank=True,
        help_text=_("Én adresse pr. linje, fx til politiske beslutninger."),
        validators=[validate_links, validate_no_cpr_number],
    )
    participation = models.CharField(
        _("deltagelse"), max_length=15, choices=Participation.choices, blank=True
    )
    pilot_project = models.ForeignKey(
        "pilots.PilotProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("pilotprojekt"),
    )
    # Set when the round opened with this line's answers copied from an earlier round, and
    # cleared when the coordinator confirms or changes them: until then the answer is the
    # earlier round's, not this one's.
    carried_over_from = models.ForeignKey(
        ReportingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overført fra"),
    )

    history = HistoricalRecords(m2m_fields=[methods])

    class Meta:
        verbose_name = _("rapportlinje")
        verbose_name_plural = _("rapportlinjer")
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "initiative"],
                name="entry_one_per_initiative",
                violation_error_message=_("Rapporten har allerede en linje for denne indsats."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__isnull=True) | models.Q(status__gte=0, status__lte=4),
                name="entry_status_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} – {self.initiative_code}"

    @property
    def link_list(self) -> list[tuple[str, bool]]:
        """Each link line and whether it may be shown as a link (rows saved before the
        validation may hold anything)."""
        return [
            (line.strip(), is_safe_link(line)) for line in self.links.splitlines() if line.strip()
        ]

    @property
    def is_mandatory(self) -> bool:
        return self.initiative_kind == Initiative.Kind.MANDATORY

    @property
    def is_carried_over(self) -> bool:
        return self.carried_over_from_id is not None

    @property
    def is_answered(self) -> bool:
        """Whether the line has the answer it needs: a status, or a pilot's participation."""
        return self.status is not None if self.is_mandatory else bool(self.participation)


class Attachment(StoredFile):
    entry = models.ForeignKey(
        ReportEntry,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("rapportlinje"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")
        ordering = ["entry", "created_at"]

    def storage_folder(self) -> str:
        report = self.entry.report
        return f"rapporter/{report.round_id}/{report.municipality.code}"


class PoliticalAnswer(TimeStampedModel):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="answers", verbose_name=_("rapport")
    )
    question = models.ForeignKey(
        PoliticalQuestion,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("spørgsmål"),
    )
    answer = models.TextField(_("svar"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("politisk svar")
        verbose_name_plural = _("politiske svar")
        ordering = ["report", "question__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "question"],
                name="answer_one_per_question",
                violation_error_message=_("Rapporten har allerede et svar på dette spørgsmål."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} – {self.question.number}"


class ReportEvent(models.Model):
    """One step of a report's workflow: who did what, when, with which comment."""

    class Action(models.TextChoices):
        CREATED = "created", _("Oprettet")
        SAVED = "saved", _("Gemt som kladde")
        SUBMITTED = "submitted", _("Indsendt")
        RETURNED = "returned", _("Sendt retur")
        APPROVED = "approved", _("Godkendt")
        DEADLINE_EXTENDED = "deadline_extended", _("Frist forlænget")
        REMINDED = "reminded", _("Påmindelse sendt")
        IMPORTED = "imported", _("Importeret")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("rapport")
    )
    action = models.CharField(_("handling"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        verbose_name = _("rapporthændelse")
        verbose_name_plural = _("rapporthændelser")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_action_display()}"


class ReportSummary(models.Model):
    """How many of a report's lines stand at each level, per area and kind of initiative.

    Derived data, never written by hand: `reporting.services.summaries.summaries_refresh`
    recomputes a report's rows from its entries in the same transaction as every write of
    entries (through `results_changed`, which every such service calls), and the
    `rebuild_summaries` command recomputes all of them. The dashboards' area figures (overview,
    trend) read these few rows instead of every line of every report
    (docs/decisions/0029-what-every-page-pays.md).
    """

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("rapport")
    )
    # The report's round, which never changes: a dashboard reads a round's rows by this index
    # instead of joining every report first.
    round = models.ForeignKey(
        ReportingRound, on_delete=models.CASCADE, related_name="+", verbose_name=_("runde")
    )
    initiative_kind = models.CharField(
        _("indsatstype"), max_length=10, choices=Initiative.Kind.choices
    )
    area_number = models.PositiveSmallIntegerField(_("områdenummer"))
    area_title = models.CharField(_("område"), max_length=255)
    status = models.PositiveSmallIntegerField(
        _("status"), choices=ReportEntry.ImplementationStatus.choices, null=True, blank=True
    )
    lines = models.PositiveIntegerField(_("linjer"))
    # Of those, lines whose answer is still the one carried over from an earlier round.
    carried_over = models.PositiveIntegerField(_("overførte linjer"))

    class Meta:
        verbose_name = _("rapportoversigt")
        verbose_name_plural = _("rapportoversigter")
        # One row per cell, an unanswered level (NULL) included: two partial indexes rather
        # than nulls_distinct=False, which SQLite (make run) cannot enforce.
        constraints = [
            models.UniqueConstraint(
                fields=["report", "initiative_kind", "area_number", "status"],
                condition=models.Q(status__isnull=False),
                name="report_summary_unique_cell",
            ),
            models.UniqueConstraint(
                fields=["report", "initiative_kind", "area_number"],
                condition=models.Q(status__isnull=True),
                name="report_summary_unique_unanswered_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.area_number}, {self.status}: {self.lines}"

"""Calls for proposals: a KKR's secretariat asks chosen people for proposals of common goals.

Seed 000: KKR Hovedstaden's officials' committee invites the municipal co-chairs of the
psychiatry coordination committee to propose common municipal goals, with suggested themes,
KL's note as an example of the level of detail, a deadline and an address for questions.
An addressee's proposal is a draft only its author reads until it is submitted; the
secretariat then accepts or rejects it, with a comment, and records for an accepted
proposal's initiatives the text meant for the draft framework.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import User
from accounts.permissions import Scope
from accounts.querysets import ScopedQuerySet
from commitments.models import Initiative
from core.models import TimeStampedModel
from core.uploads import random_file_name
from municipalities.models import KKR

EXAMPLE_EXTENSIONS = ["pdf", "docx", "odt", "txt"]


def example_path(instance: Call, filename: str) -> str:
    return random_file_name("indkaldelser", filename)


class CallQuerySet(ScopedQuerySet):
    def visible_to(self, user: User | AnonymousUser) -> CallQuerySet:
        """Calls of the user's secretariats (drafts too), and the opened calls sent to them
        (`calls.permissions.can_read_call`)."""

        def rule(scope: Scope) -> models.Q:
            managed = models.Q(kkr_id__in=scope.secretariat_kkr_ids)
            if not isinstance(user, User):
                return managed
            addressed = Call.addressees.through.objects.filter(user_id=user.pk)
            sent = ~models.Q(status=Call.Status.DRAFT) & models.Q(
                pk__in=addressed.values("call_id")
            )
            return managed | sent

        return self.for_user(user, rule)

    def managed_by(self, user: User | AnonymousUser) -> CallQuerySet:
        """Calls of the user's secretariats (`calls.permissions.can_manage_call`)."""
        return self.for_user(user, lambda scope: models.Q(kkr_id__in=scope.secretariat_kkr_ids))


class Call(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        OPEN = "open", _("Åben")
        CLOSED = "closed", _("Lukket")

    kkr = models.ForeignKey(
        KKR, on_delete=models.PROTECT, related_name="calls", verbose_name=_("KKR")
    )
    title = models.CharField(_("titel"), max_length=255)
    letter = models.TextField(_("brevtekst"))
    detail_level = models.TextField(
        _("forventet detaljeniveau"),
        blank=True,
        help_text=_(
            "Hvor detaljerede forslagene forventes at være, fx med henvisning til eksemplet."
        ),
    )
    example = models.FileField(
        _("eksempel (fil)"),
        upload_to=example_path,
        blank=True,
        validators=[FileExtensionValidator(EXAMPLE_EXTENSIONS)],
    )
    example_name = models.CharField(_("eksemplets filnavn"), max_length=255, blank=True)
    deadline = models.DateField(_("frist"))
    questions_to = models.EmailField(_("adresse til spørgsmål og forslag"))
    addressees = models.ManyToManyField(
        User, blank=True, related_name="calls_received", verbose_name=_("modtagere")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opened_at = models.DateTimeField(_("åbnet"), null=True, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )

    history = HistoricalRecords(m2m_fields=[addressees])
    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("indkaldelse af forslag")
        verbose_name_plural = _("indkaldelser af forslag")
        ordering = ["-deadline", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calls:call_detail", kwargs={"pk": self.pk})


class CallTheme(TimeStampedModel):
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="themes", verbose_name=_("indkaldelse")
    )
    name = models.CharField(_("tema"), max_length=255)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("foreslået tema")
        verbose_name_plural = _("foreslåede temaer")
        ordering = ["call", "order"]

    def __str__(self) -> str:
        return self.name


class ProposalQuerySet(models.QuerySet):
    def reviewable_by(self, user: User | AnonymousUser) -> ProposalQuerySet:
        """Submitted proposals of the calls the user manages
        (`calls.permissions.can_review_proposal`). Never a draft, for nobody."""
        return self.exclude(status=Proposal.Status.DRAFT).filter(
            call__in=Call.objects.managed_by(user)
        )

    def visible_to(self, user: User | AnonymousUser) -> ProposalQuerySet:
        """The user's own proposals, and the submitted ones of calls they manage
        (`calls.permissions.can_read_proposal`).

        A draft is its author's only: not even the secretariat (or an administrator) reads it.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(models.Q(author_id=user.pk) | models.Q(pk__in=self.reviewable_by(user)))


class Proposal(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        SUBMITTED = "submitted", _("Indsendt")
        ACCEPTED = "accepted", _("Accepteret")
        REJECTED = "rejected", _("Afvist")

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("indkaldelse")
    )
    author = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="call_proposals",
        verbose_name=_("forslagsstiller"),
    )
    goal = models.TextField(_("foreslået målsætning"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)
    review_comment = models.TextField(_("sekretariatets kommentar"), blank=True)
    reviewed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("behandlet af"),
    )
    reviewed_at = models.DateTimeField(_("behandlet"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("forslag")
        verbose_name_plural = _("forslag")
        ordering = ["call", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "author"],
                name="proposal_one_per_author_and_call",
                violation_error_message=_("Du har allerede et forslag til denne indkaldelse."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} – {self.author}"

    def get_absolute_url(self) -> str:
        return reverse("calls:proposal_detail", kwargs={"pk": self.pk})


class MergedInitiative(TimeStampedModel):
    """Several proposed initiatives, from one or several proposals, that the secretariat
    takes into the draft framework as one. Every source keeps its proposal and author."""

    call = models.ForeignKey(
        Call,
        on_delete=models.CASCADE,
        related_name="merged_initiatives",
        verbose_name=_("indkaldelse"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Initiative.Kind.choices)
    text = models.TextField(_("samlet indsats"))
    comment = models.TextField(
        _("begrundelse for sammenlægningen"),
        help_text=_("Hvorfor indsatserne lægges sammen, fx at de beskriver samme tilbud."),
    )
    merged_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("lagt sammen af"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sammenlagt indsats")
        verbose_name_plural = _("sammenlagte indsatser")
        ordering = ["call", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ProposalInitiative(TimeStampedModel):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("forslag")
    )
    theme = models.ForeignKey(
        CallTheme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("tema"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Initiative.Kind.choices)
    text = models.TextField(_("indsats"))
    rationale = models.TextField(_("begrundelse"))
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    framework_text = models.TextField(
        _("tekst til udkast til rammepapir"),
        blank=True,
        help_text=_("Sekretariatets formulering af indsatsen, som den skal stå i rammepapiret."),
    )
    merged_into = models.ForeignKey(
        MergedInitiative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        verbose_name=_("lagt sammen i"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("foreslået indsats")
        verbose_name_plural = _("foreslåede indsatser")
        ordering = ["proposal", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def wording(self) -> str:
        """How it reads in the draft framework: the secretariat's text, else the proposal's."""
        return self.framework_text or self.text


class ProposalOrigin(TimeStampedModel):
    """Where an initiative of a draft framework came from: a proposed initiative, and so its
    proposal and author. A merged initiative has one origin per source.

    The link lives here, above commitments, which shows it through `commitments.origins`.
    """

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="proposal_origins",
        verbose_name=_("indsats i rammepapiret"),
    )
    source = models.OneToOneField(
        ProposalInitiative,
        on_delete=models.PROTECT,
        related_name="origin",
        verbose_name=_("foreslået indsats"),
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("omsat af"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oprindelse i forslag")
        verbose_name_plural = _("oprindelser i forslag")
        ordering = ["initiative", "pk"]

    def __str__(self) -> str:
        return f"{self.initiative} ← {self.source}"


class CallReminder(TimeStampedModel):
    """One reminder per addressee and call: a second run of the reminders sends nothing twice."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("indkaldelse")
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("modtager")
    )

    class Meta:
        verbose_name = _("påmindelse om frist")
        verbose_name_plural = _("påmindelser om frist")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="call_reminder_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.call} – {self.user}"

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

from accounts.models import User
from accounts.permissions import get_scope
from commitments.models import Initiative
from core.models import TimeStampedModel
from core.uploads import random_file_name
from municipalities.models import KKR

EXAMPLE_EXTENSIONS = ["pdf", "docx", "odt", "txt"]


def example_path(instance: Call, filename: str) -> str:
    return random_file_name("indkaldelser", filename)


class CallQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> CallQuerySet:
        """Calls of the user's secretariats (drafts too), and the opened calls sent to them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            models.Q(kkr_id__in=get_scope(user).secretariat_kkr_ids)
            | (~models.Q(status=Call.Status.DRAFT) & models.Q(addressees=user))
        ).distinct()


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

    class Meta:
        verbose_name = _("foreslået tema")
        verbose_name_plural = _("foreslåede temaer")
        ordering = ["call", "order"]

    def __str__(self) -> str:
        return self.name


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> ProposalQuerySet:
        """The user's own proposals, and the submitted ones of calls their secretariat runs.

        A draft is its author's only: not even the secretariat (or a superuser) reads it.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        submitted = ~models.Q(status=Proposal.Status.DRAFT)
        if user.is_superuser:
            return self.filter(models.Q(author=user) | submitted)
        return self.filter(
            models.Q(author=user)
            | (submitted & models.Q(call__kkr_id__in=get_scope(user).secretariat_kkr_ids))
        )


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

    class Meta:
        verbose_name = _("foreslået indsats")
        verbose_name_plural = _("foreslåede indsatser")
        ordering = ["proposal", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


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

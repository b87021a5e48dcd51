"""Groups that meet, their members, meetings, agendas, minutes and decisions.

A group is owned by a secretariat: a KKR's (its committees and the KKR meeting itself) or one
outside the KKRs, such as KL's for the national dialogue group of seed 003. Members propose
agenda items before a meeting's proposal deadline; the secretariat accepts, merges or declines
them, orders the agenda, publishes it, and afterwards publishes the minutes.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import User
from core.models import StoredFile, TimeStampedModel
from core.uploads import ATTACHMENT_EXTENSIONS, random_file_name
from core.validators import validate_single_line
from municipalities.models import KKR, Municipality
from reporting.models import ReportingRound

# Seed 003: "op til to kommunale administrative repræsentanter fra hver [KKR]".
MAX_MEMBERS_PER_KKR = 2


class Organisation(TimeStampedModel):
    """An organisation outside the KKRs that owns groups, e.g. KL, with its secretariat staff.

    A KKR's secretariat needs no row here: its staff are the KKR's secretariat memberships.
    """

    name = models.CharField(_("navn"), max_length=100, unique=True)
    secretariat_name = models.CharField(
        _("sekretariatets navn"), max_length=150, help_text=_("Fx KL's sekretariat.")
    )
    staff = models.ManyToManyField(
        User,
        blank=True,
        related_name="meeting_organisations",
        verbose_name=_("sekretariatets medarbejdere"),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> GroupQuerySet:
        """Everyone signed in reads the groups, their members and meeting dates."""
        if not user.is_authenticated:
            return self.none()
        return self

    def managed_by(self, user: User | AnonymousUser) -> GroupQuerySet:
        """Groups whose secretariat the user works in."""
        from meetings.permissions import get_meeting_scope

        scope = get_meeting_scope(user)
        if scope.is_superuser:
            return self
        return self.filter(
            models.Q(owner_kkr_id__in=scope.secretariat_kkr_ids)
            | models.Q(owner_organisation_id__in=scope.organisation_ids)
        )


class Group(TimeStampedModel):
    name = models.CharField(
        _("navn"), max_length=200, unique=True, validators=[validate_single_line]
    )
    slug = models.SlugField(_("kortnavn i adresse"), max_length=80, unique=True)
    owner_kkr = models.ForeignKey(
        KKR,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_groups",
        verbose_name=_("ejet af KKR"),
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("ejet af organisation"),
    )
    purpose = models.TextField(_("formål og indhold"), blank=True)
    terms_date = models.DateField(_("kommissoriets dato"), null=True, blank=True)
    case_number = models.CharField(
        _("sags-ID"), max_length=50, blank=True, help_text=_("Fx SAG-2018-05062.")
    )
    kkr_seats = models.BooleanField(
        _("medlemmer udpeges pr. KKR"),
        default=False,
        help_text=_(
            "Hvert KKR udpeger op til to administrative repræsentanter, som udgangspunkt én "
            "fra børne- og ungeområdet og én fra voksenområdet."
        ),
    )

    history = HistoricalRecords()
    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("gruppe")
        verbose_name_plural = _("grupper")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(owner_kkr__isnull=False) & models.Q(owner_organisation__isnull=True)
                )
                | (models.Q(owner_kkr__isnull=True) & models.Q(owner_organisation__isnull=False)),
                name="group_exactly_one_owner",
                violation_error_message=_(
                    "Vælg enten et KKR eller en organisation som ejer, ikke begge."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:group_detail", kwargs={"slug": self.slug})

    @property
    def secretariat_name(self) -> str:
        if self.owner_organisation is not None:
            return self.owner_organisation.secretariat_name
        return gettext("%(kkr)ss sekretariat") % {"kkr": self.owner_kkr}


class GroupMember(TimeStampedModel):
    class Area(models.TextChoices):
        CHILDREN = "children", _("Børne- og ungeområdet")
        ADULTS = "adults", _("Voksenområdet")

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="members", verbose_name=_("gruppe")
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="group_memberships", verbose_name=_("person")
    )
    kkr = models.ForeignKey(
        KKR,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_members",
        verbose_name=_("repræsenterer KKR"),
    )
    seat = models.PositiveSmallIntegerField(_("plads"), null=True, blank=True)
    area = models.CharField(_("område"), max_length=10, choices=Area.choices, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_members",
        verbose_name=_("kommune"),
    )
    appointed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("udpeget af"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gruppemedlem")
        verbose_name_plural = _("gruppemedlemmer")
        ordering = ["group", "kkr__name", "seat", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                name="group_member_once",
                violation_error_message=_("Personen er allerede medlem af gruppen."),
            ),
            # Seed 003's rule: at most two seats per KKR, numbered 1 and 2.
            models.UniqueConstraint(
                fields=["group", "kkr", "seat"],
                condition=models.Q(kkr__isnull=False),
                name="group_member_one_per_seat",
                violation_error_message=_("Pladsen er allerede besat."),
            ),
            models.CheckConstraint(
                condition=(models.Q(kkr__isnull=True) & models.Q(seat__isnull=True))
                | (
                    models.Q(kkr__isnull=False)
                    & models.Q(seat__gte=1)
                    & models.Q(seat__lte=MAX_MEMBERS_PER_KKR)
                ),
                name="group_member_at_most_two_per_kkr",
                violation_error_message=_("Et KKR har højst to pladser i gruppen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} i {self.group}"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> MeetingQuerySet:
        """A meeting is seen by whoever sees its group."""
        return self.filter(group__in=Group.objects.visible_to(user))

    def managed_by(self, user: User | AnonymousUser) -> MeetingQuerySet:
        return self.filter(group__in=Group.objects.managed_by(user))


class Meeting(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        CANCELLED = "cancelled", _("Aflyst")

    # Fields whose change moves the meeting in people's calendars (iCalendar SEQUENCE).
    SCHEDULE_FIELDS = ("title", "date", "starts_at", "ends_at", "place", "status")

    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("gruppe")
    )
    title = models.CharField(_("titel"), max_length=200, validators=[validate_single_line])
    date = models.DateField(_("dato"))
    starts_at = models.TimeField(_("fra kl."))
    ends_at = models.TimeField(_("til kl."))
    place = models.CharField(
        _("sted"), max_length=255, help_text=_("Fx KL-huset, Weidekampsgade 10, 2300 København S.")
    )
    proposal_deadline = models.DateField(
        _("frist for forslag til dagsordenen"),
        null=True,
        blank=True,
        help_text=_("Sidste dag, medlemmerne kan foreslå punkter."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    agenda_published_at = models.DateTimeField(_("dagsorden offentliggjort"), null=True, blank=True)
    minutes = models.TextField(_("referat"), blank=True)
    minutes_published_at = models.DateTimeField(_("referat offentliggjort"), null=True, blank=True)
    sequence = models.PositiveIntegerField(
        _("kalenderversion"),
        default=0,
        editable=False,
        help_text=_("Tælles op, når mødet flyttes eller aflyses, så kalendere opdaterer det."),
    )

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("Mødet skal slutte efter det begynder."),
            ),
            models.CheckConstraint(
                condition=models.Q(proposal_deadline__isnull=True)
                | models.Q(proposal_deadline__lte=models.F("date")),
                name="meeting_proposals_before_meeting",
                violation_error_message=_("Fristen for forslag skal ligge på eller før mødedagen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d.%m.%Y})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", kwargs={"pk": self.pk})

    @property
    def starts(self) -> datetime.datetime:
        return datetime.datetime.combine(
            self.date, self.starts_at, tzinfo=ZoneInfo(settings.TIME_ZONE)
        )

    @property
    def ends(self) -> datetime.datetime:
        return datetime.datetime.combine(
            self.date, self.ends_at, tzinfo=ZoneInfo(settings.TIME_ZONE)
        )

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def accepts_proposals_on(self, day: datetime.date) -> bool:
        """Members may propose items until the deadline, while the agenda is not published."""
        return (
            not self.is_cancelled
            and self.agenda_published_at is None
            and self.proposal_deadline is not None
            and day <= self.proposal_deadline
        )


def _upload_path(folder: str, instance: AgendaProposal | AgendaItem, filename: str) -> str:
    """A random stored name in the meeting's folder, as every `StoredFile` gets; the uploader's
    name is kept in the row (`document_name`, `attachment_name`) and given back on download."""
    return random_file_name(f"moeder/{instance.meeting_id}/{folder}", filename)


def proposal_attachment_path(instance: AgendaProposal, filename: str) -> str:
    return _upload_path("forslag", instance, filename)


def item_document_path(instance: AgendaItem, filename: str) -> str:
    return _upload_path("punkter", instance, filename)


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> AgendaItemQuerySet:
        """A published agenda for everyone who sees the meeting; a draft for its secretariat."""
        meetings = Meeting.objects.visible_to(user)
        return self.filter(meeting__in=meetings).filter(
            models.Q(meeting__agenda_published_at__isnull=False)
            | models.Q(meeting__group__in=Group.objects.managed_by(user))
        )


class AgendaItem(TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("møde")
    )
    position = models.PositiveSmallIntegerField(_("punkt nr."))
    title = models.CharField(_("overskrift"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("beskrivelse"), blank=True)
    speaker = models.CharField(
        _("oplægsholder"),
        max_length=200,
        blank=True,
        help_text=_("Fx et medlem eller en ekstern oplægsholder."),
    )
    recommendation = models.TextField(
        _("indstilling"), blank=True, help_text=_("Det indstilles, at …")
    )
    decision = models.TextField(_("beslutning"), blank=True, help_text=_("Udfyldes efter mødet."))
    reporting_round = models.ForeignKey(
        ReportingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("afrapporteringsrunde"),
        help_text=_("Rundens mødemateriale hører til punktet."),
    )
    document = models.FileField(
        _("dagsordenspunkt (dokument)"),
        upload_to=item_document_path,
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    document_name = models.CharField(_("dokumentets filnavn"), max_length=255, blank=True)

    history = HistoricalRecords()
    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_item_position_unique",
                violation_error_message=_("Mødet har allerede et punkt med dette nummer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class AgendaProposalQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> AgendaProposalQuerySet:
        """A proposal is seen by the member who made it and by the group's secretariat."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(proposed_by=user) | models.Q(meeting__group__in=Group.objects.managed_by(user))
        )


class AgendaProposal(TimeStampedModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Foreslået")
        ACCEPTED = "accepted", _("Optaget på dagsordenen")
        MERGED = "merged", _("Lagt sammen med et andet punkt")
        DECLINED = "declined", _("Ikke optaget")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("møde")
    )
    proposed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("foreslået af")
    )
    title = models.CharField(_("overskrift"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("kort beskrivelse"))
    speaker = models.CharField(
        _("oplægsholder"),
        max_length=200,
        blank=True,
        help_text=_("Valgfrit: dig selv, et andet medlem eller en ekstern oplægsholder."),
    )
    attachment = models.FileField(
        _("bilag"),
        upload_to=proposal_attachment_path,
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    attachment_name = models.CharField(_("bilagets filnavn"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("dagsordenspunkt"),
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    comment = models.TextField(_("sekretariatets bemærkning"), blank=True)

    history = HistoricalRecords()
    objects = AgendaProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("forslag til dagsordenspunkt")
        verbose_name_plural = _("forslag til dagsordenspunkter")
        ordering = ["meeting", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class MeetingAttachment(StoredFile):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("møde")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mødebilag")
        verbose_name_plural = _("mødebilag")
        ordering = ["meeting", "created_at"]

    def storage_folder(self) -> str:
        return f"moeder/{self.meeting_id}/bilag"

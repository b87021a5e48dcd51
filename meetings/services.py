"""Writes with rules: groups and their members, meetings, agendas, minutes, attachments."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Membership, User
from accounts.permissions import can_grant
from core import mail
from core.uploads import store_upload
from core.validators import validate_no_cpr_number
from meetings import permissions
from meetings.models import (
    MAX_MEMBERS_PER_KKR,
    AgendaItem,
    AgendaProposal,
    Group,
    GroupMember,
    Meeting,
    MeetingAttachment,
    Organisation,
)
from municipalities.models import KKR, Municipality
from reporting.models import ReportingRound
from reporting.permissions import can_see_round

GROUP_FIELDS = ("name", "slug", "purpose", "terms_date", "case_number", "kkr_seats")
MEETING_FIELDS = ("title", "date", "starts_at", "ends_at", "place", "proposal_deadline")
ITEM_FIELDS = ("title", "description", "speaker", "recommendation", "decision", "reporting_round")


def _check_no_cpr(**texts: str) -> None:
    errors = {}
    for field, text in texts.items():
        try:
            validate_no_cpr_number(text)
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        raise ValidationError(errors)


def _check_manages(actor: User, group: Group) -> None:
    if not permissions.can_manage_group(actor, group):
        raise PermissionDenied(_("Kun gruppens sekretariat kan gøre dette."))


def _lock_meeting(actor: User, meeting: Meeting) -> Meeting:
    """The meeting row, locked, after checking that the actor runs its group."""
    locked = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    _check_manages(actor, locked.group)
    return locked


def _member_emails(group: Group) -> list[str]:
    return list(
        User.objects.filter(group_memberships__group=group, is_active=True).values_list(
            "email", flat=True
        )
    )


def _tell_members(meeting: Meeting, template: str) -> None:
    mail.send(
        to=_member_emails(meeting.group),
        template=template,
        context={"meeting": meeting, "link": mail.site_url(meeting.get_absolute_url())},
    )


# --- groups -------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    actor: User,
    name: str,
    slug: str,
    owner_kkr: KKR | None = None,
    owner_organisation: Organisation | None = None,
    purpose: str = "",
    terms_date: datetime.date | None = None,
    case_number: str = "",
    kkr_seats: bool = False,
) -> Group:
    """Set up a group owned by a secretariat the actor works in."""
    if not permissions.can_own_group(
        actor,
        kkr_id=owner_kkr.pk if owner_kkr else None,
        organisation_id=owner_organisation.pk if owner_organisation else None,
    ):
        raise PermissionDenied(_("Du kan kun oprette grupper for dit eget sekretariat."))
    _check_no_cpr(name=name, purpose=purpose)
    group = Group(
        name=name,
        slug=slug,
        owner_kkr=owner_kkr,
        owner_organisation=owner_organisation,
        purpose=purpose,
        terms_date=terms_date,
        case_number=case_number,
        kkr_seats=kkr_seats,
    )
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_update(*, actor: User, group: Group, **fields: Any) -> Group:
    """Change a group's name, terms of reference and seat rule (not its owner)."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    _check_manages(actor, group)
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"group_update() got unexpected fields {sorted(unknown)}")
    _check_no_cpr(name=fields.get("name", group.name), purpose=fields.get("purpose", ""))
    if fields.get("kkr_seats") is False and group.members.filter(kkr__isnull=False).exists():
        raise ValidationError(
            {"kkr_seats": _("Gruppen har medlemmer på KKR-pladser; fjern dem først.")}
        )
    for field, value in fields.items():
        setattr(group, field, value)
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def member_appoint(
    *,
    actor: User,
    group: Group,
    email: str,
    full_name: str = "",
    kkr: KKR | None = None,
    area: str = "",
    municipality: Municipality | None = None,
    role_if_new: str = Membership.Role.COORDINATOR,
) -> GroupMember:
    """Appoint a person to a group; a person new to the portal is invited through accounts.

    In a group with seats per KKR (seed 003), the member takes one of the KKR's two seats.
    """
    # The group row is the lock that keeps two secretariats from taking the same last seat.
    group = Group.objects.select_for_update().get(pk=group.pk)
    kkr_id = kkr.pk if kkr else None
    if not permissions.can_appoint_for(actor, group, kkr_id=kkr_id):
        raise PermissionDenied(
            _("Medlemmerne udpeges af deres KKR-sekretariat eller af gruppens sekretariat.")
        )
    seat = None
    if group.kkr_seats:
        if kkr is None:
            raise ValidationError({"kkr": _("Vælg det KKR, personen repræsenterer.")})
        taken = set(group.members.filter(kkr=kkr).values_list("seat", flat=True))
        if len(taken) >= MAX_MEMBERS_PER_KKR:
            raise ValidationError(
                _(
                    "%(kkr)s har allerede to medlemmer i gruppen. Ifølge kommissoriet udpeger "
                    "hvert KKR op til to administrative repræsentanter, som udgangspunkt én fra "
                    "børne- og ungeområdet og én fra voksenområdet."
                )
                % {"kkr": kkr.name},
                code="seats",
            )
        seat = min(set(range(1, MAX_MEMBERS_PER_KKR + 1)) - taken)
    elif kkr is not None:
        raise ValidationError({"kkr": _("Gruppen har ikke pladser pr. KKR.")})
    if municipality is not None and kkr is not None and municipality.kkr_id != kkr.pk:
        raise ValidationError(
            {"municipality": _("Kommunen ligger ikke i %(kkr)s.") % {"kkr": kkr.name}}
        )

    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if municipality is None:
            raise ValidationError(
                {
                    "municipality": _(
                        "Personen har ingen bruger i portalen endnu. Vælg personens kommune, "
                        "så kan KKR-sekretariatet invitere personen."
                    )
                }
            )
        if not can_grant(actor, kkr_id=municipality.kkr_id):
            raise ValidationError(
                _(
                    "Personen har ingen bruger i portalen endnu. Bed %(kkr)ss sekretariat "
                    "om at invitere personen, eller udpeg en eksisterende bruger."
                )
                % {"kkr": municipality.kkr.name},
                code="invite",
            )
        user = account_services.user_invite(
            actor=actor,
            email=email,
            full_name=full_name,
            role=role_if_new,
            municipality=municipality,
        )
    elif not user.is_active:
        raise ValidationError(_("Personen er deaktiveret i portalen."))
    if group.members.filter(user=user).exists():
        raise ValidationError(_("Personen er allerede medlem af gruppen."), code="member")

    member = GroupMember(
        group=group,
        user=user,
        kkr=kkr,
        seat=seat,
        area=area,
        municipality=municipality,
        appointed_by=actor,
    )
    member.full_clean()
    member.save()
    mail.send(
        to=[user.email],
        template="meetings/email/member_appointed",
        context={
            "member": member,
            "group": group,
            "actor": actor,
            "link": mail.site_url(group.get_absolute_url()),
        },
    )
    return member


@transaction.atomic
def member_remove(*, actor: User, member: GroupMember) -> None:
    """Take a person off a group; their seat becomes free."""
    Group.objects.select_for_update().get(pk=member.group_id)
    if not permissions.can_remove_member(actor, member):
        raise PermissionDenied(_("Du kan kun ændre dit eget KKR's pladser i gruppen."))
    member.delete()


# --- meetings -----------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    group: Group,
    title: str,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    place: str,
    proposal_deadline: datetime.date | None = None,
) -> Meeting:
    """Plan a meeting of a group the actor runs."""
    _check_manages(actor, group)
    _check_no_cpr(title=title, place=place)
    meeting = Meeting(
        group=group,
        title=title,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        proposal_deadline=proposal_deadline,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, **fields: Any) -> Meeting:
    """Change a meeting; moving it counts up its calendar version so calendars follow."""
    meeting = _lock_meeting(actor, meeting)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields {sorted(unknown)}")
    if meeting.is_cancelled:
        raise ValidationError(_("Mødet er aflyst og kan ikke ændres."))
    _check_no_cpr(title=fields.get("title", ""), place=fields.get("place", ""))
    moved = any(
        field in Meeting.SCHEDULE_FIELDS and getattr(meeting, field) != value
        for field, value in fields.items()
    )
    for field, value in fields.items():
        setattr(meeting, field, value)
    if moved:
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    if moved and meeting.agenda_published_at:
        _tell_members(meeting, "meetings/email/meeting_moved")
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting) -> Meeting:
    """Cancel a meeting: it stays in calendars as cancelled, and the members are told."""
    meeting = _lock_meeting(actor, meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("Mødet er allerede aflyst."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    _tell_members(meeting, "meetings/email/meeting_cancelled")
    return meeting


# --- the agenda ---------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    description: str,
    speaker: str = "",
    attachment: UploadedFile | None = None,
) -> AgendaProposal:
    """A member proposes an agenda item before the meeting's proposal deadline."""
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if not permissions.can_propose_item(actor, meeting):
        raise PermissionDenied(_("Kun gruppens medlemmer kan foreslå punkter til dagsordenen."))
    if not meeting.accepts_proposals_on(timezone.localdate()):
        raise ValidationError(
            _("Fristen for forslag til dagsordenen er overskredet."), code="deadline"
        )
    _check_no_cpr(title=title, description=description, speaker=speaker)
    proposal = AgendaProposal(
        meeting=meeting, proposed_by=actor, title=title, description=description, speaker=speaker
    )
    if attachment is not None:
        proposal.attachment_name = store_upload(proposal.attachment, attachment, fallback="bilag")
    proposal.full_clean()
    proposal.save()
    secretaries = _secretariat_emails(meeting.group)
    mail.send(
        to=secretaries,
        template="meetings/email/proposal_submitted",
        context={
            "proposal": proposal,
            "meeting": meeting,
            "link": mail.site_url(meeting.get_absolute_url()),
        },
    )
    return proposal


def _secretariat_emails(group: Group) -> list[str]:
    users = User.objects.filter(is_active=True)
    if group.owner_organisation_id:
        users = users.filter(meeting_organisations=group.owner_organisation_id)
    else:
        users = users.filter(
            memberships__role=Membership.Role.SECRETARIAT, memberships__kkr=group.owner_kkr_id
        )
    return list(users.values_list("email", flat=True))


def _next_position(meeting: Meeting) -> int:
    return (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1


def _decide(actor: User, proposal: AgendaProposal, status: str, **changes: Any) -> AgendaProposal:
    proposal = AgendaProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != AgendaProposal.Status.PROPOSED:
        raise ValidationError(_("Forslaget er allerede behandlet."), code="decided")
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    for field, value in changes.items():
        setattr(proposal, field, value)
    proposal.save()
    mail.send(
        to=[proposal.proposed_by.email] if proposal.proposed_by.is_active else [],
        template="meetings/email/proposal_decided",
        context={
            "proposal": proposal,
            "meeting": proposal.meeting,
            "link": mail.site_url(proposal.meeting.get_absolute_url()),
        },
    )
    return proposal


@transaction.atomic
def proposal_accept(*, actor: User, proposal: AgendaProposal) -> AgendaItem:
    """Put a proposal on the agenda as a new item at the end."""
    meeting = _lock_meeting(actor, proposal.meeting)
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting),
        title=proposal.title,
        description=proposal.description,
        speaker=proposal.speaker,
    )
    _decide(actor, proposal, AgendaProposal.Status.ACCEPTED, agenda_item=item)
    return item


@transaction.atomic
def proposal_merge(*, actor: User, proposal: AgendaProposal, item: AgendaItem) -> AgendaItem:
    """Take a proposal into an item already on the agenda."""
    meeting = _lock_meeting(actor, proposal.meeting)
    if item.meeting_id != meeting.pk:
        raise ValidationError({"item": _("Vælg et punkt på samme mødes dagsorden.")})
    _decide(actor, proposal, AgendaProposal.Status.MERGED, agenda_item=item)
    return item


@transaction.atomic
def proposal_decline(*, actor: User, proposal: AgendaProposal, comment: str = "") -> AgendaProposal:
    """Leave a proposal off the agenda, with a word to the member who made it."""
    _lock_meeting(actor, proposal.meeting)
    _check_no_cpr(comment=comment)
    return _decide(actor, proposal, AgendaProposal.Status.DECLINED, comment=comment)


def _check_round(actor: User, meeting: Meeting, round_: ReportingRound | None) -> None:
    """A KKR meeting's item may carry a round of that KKR that the actor can see."""
    if round_ is None:
        return
    if not can_see_round(actor, round_) or round_.framework.kkr_id != meeting.group.owner_kkr_id:
        raise ValidationError({"reporting_round": _("Vælg en runde fra gruppens eget KKR.")})


def _store_document(item: AgendaItem, document: UploadedFile | None) -> None:
    if document is not None:
        item.document_name = store_upload(item.document, document, fallback="dokument")


@transaction.atomic
def item_create(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    description: str = "",
    speaker: str = "",
    recommendation: str = "",
    decision: str = "",
    reporting_round: ReportingRound | None = None,
    document: UploadedFile | None = None,
) -> AgendaItem:
    """The secretariat's own item, at the end of the agenda."""
    meeting = _lock_meeting(actor, meeting)
    _check_no_cpr(
        title=title, description=description, recommendation=recommendation, decision=decision
    )
    _check_round(actor, meeting, reporting_round)
    item = AgendaItem(
        meeting=meeting,
        position=_next_position(meeting),
        title=title,
        description=description,
        speaker=speaker,
        recommendation=recommendation,
        decision=decision,
        reporting_round=reporting_round,
    )
    _store_document(item, document)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_update(
    *, actor: User, item: AgendaItem, document: UploadedFile | None = None, **fields: Any
) -> AgendaItem:
    """Change an item: its text, recommendation, linked round and document, or the decision."""
    meeting = _lock_meeting(actor, item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"item_update() got unexpected fields {sorted(unknown)}")
    _check_no_cpr(**{k: v for k, v in fields.items() if k != "reporting_round"})
    _check_round(actor, meeting, fields.get("reporting_round"))
    for field, value in fields.items():
        setattr(item, field, value)
    _store_document(item, document)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_move(*, actor: User, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap an item with its neighbour above or below."""
    meeting = _lock_meeting(actor, item.meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    if up:
        neighbour = meeting.items.filter(position__lt=item.position).order_by("-position").first()
    else:
        neighbour = meeting.items.filter(position__gt=item.position).order_by("position").first()
    if neighbour is None:
        return item
    # Positions are unique per meeting: park the item on 0 while the neighbour moves.
    item_position, item.position = item.position, 0
    item.save(update_fields=["position"])
    neighbour.position, item.position = item_position, neighbour.position
    neighbour.save(update_fields=["position", "updated_at"])
    item.save(update_fields=["position", "updated_at"])
    return item


@transaction.atomic
def item_delete(*, actor: User, item: AgendaItem) -> None:
    """Take an item off a draft agenda; proposals it came from wait for a new decision."""
    meeting = _lock_meeting(actor, item.meeting)
    if meeting.agenda_published_at:
        raise ValidationError(
            _("Dagsordenen er offentliggjort: ret punktet i stedet for at slette det."),
            code="published",
        )
    item = AgendaItem.objects.get(pk=item.pk)
    item.proposals.update(
        status=AgendaProposal.Status.PROPOSED, agenda_item=None, decided_by=None, decided_at=None
    )
    position = item.position
    item.delete()
    # Close the gap one item at a time, in order, so that positions stay unique throughout.
    for later in meeting.items.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position", "updated_at"])


@transaction.atomic
def agenda_publish(*, actor: User, meeting: Meeting) -> Meeting:
    """Publish the agenda to the members (and to everyone who reads the meeting)."""
    meeting = _lock_meeting(actor, meeting)
    if meeting.agenda_published_at:
        raise ValidationError(_("Dagsordenen er allerede offentliggjort."))
    if meeting.is_cancelled:
        raise ValidationError(_("Mødet er aflyst."))
    if not meeting.items.exists():
        raise ValidationError(_("Dagsordenen har ingen punkter endnu."), code="empty")
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at", "updated_at"])
    _tell_members(meeting, "meetings/email/agenda_published")
    return meeting


@transaction.atomic
def minutes_save(*, actor: User, meeting: Meeting, minutes: str) -> Meeting:
    """Write the minutes; published minutes can still be corrected."""
    meeting = _lock_meeting(actor, meeting)
    _check_no_cpr(minutes=minutes)
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes", "updated_at"])
    return meeting


@transaction.atomic
def minutes_publish(*, actor: User, meeting: Meeting) -> Meeting:
    """Send the minutes out: the members are told they can read them."""
    meeting = _lock_meeting(actor, meeting)
    if meeting.minutes_published_at:
        raise ValidationError(_("Referatet er allerede offentliggjort."))
    if not meeting.minutes.strip():
        raise ValidationError(_("Skriv referatet, før det offentliggøres."), code="empty")
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes_published_at", "updated_at"])
    _tell_members(meeting, "meetings/email/minutes_published")
    return meeting


@transaction.atomic
def attachment_add(*, actor: User, meeting: Meeting, upload: UploadedFile) -> MeetingAttachment:
    """Attach a (validated) file to a meeting the actor runs."""
    meeting = _lock_meeting(actor, meeting)
    attachment = MeetingAttachment(meeting=meeting)
    attachment.keep(upload, name=upload.name or "bilag", uploaded_by=actor)
    return attachment

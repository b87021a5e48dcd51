"""Calls for proposals: open, close, propose, submit, review; reminders before the deadline."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calls import permissions
from calls.models import Call, CallReminder, CallTheme, Proposal, ProposalInitiative
from core import mail
from core.uploads import store_upload
from municipalities.models import KKR

# Reminders go out this many days before the deadline (and any day after that until it).
REMINDER_DAYS_BEFORE = 7


@dataclass(frozen=True)
class InitiativeData:
    kind: str
    text: str
    rationale: str
    theme: CallTheme | None = None


def _themes(call: Call, names: Iterable[str]) -> None:
    kept = [name.strip() for name in names if name.strip()]
    existing = {theme.name: theme for theme in call.themes.all()}
    for theme in existing.values():
        if theme.name not in kept and not theme.initiatives.exists():
            theme.delete()
    for order, name in enumerate(kept):
        theme = existing.get(name) or CallTheme(call=call, name=name)
        theme.order = order
        theme.save()


def _set_example(call: Call, example: UploadedFile | None) -> None:
    if example is not None:
        call.example_name = store_upload(call.example, example, fallback="eksempel")


@transaction.atomic
def call_create(
    *,
    actor: User,
    kkr: KKR,
    title: str,
    letter: str,
    deadline: datetime.date,
    questions_to: str,
    addressees: Iterable[User] = (),
    themes: Sequence[str] = (),
    detail_level: str = "",
    example: UploadedFile | None = None,
) -> Call:
    """A KKR's secretariat drafts a call; nobody else sees it until it is opened."""
    call = Call(
        kkr=kkr,
        title=title,
        letter=letter,
        deadline=deadline,
        questions_to=questions_to,
        detail_level=detail_level,
        created_by=actor,
    )
    if not permissions.can_manage_call(actor, call):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan indkalde forslag."))
    _set_example(call, example)
    call.full_clean()
    call.save()
    call.addressees.set(addressees)
    _themes(call, themes)
    return call


@transaction.atomic
def call_update(
    *,
    actor: User,
    call: Call,
    title: str,
    letter: str,
    deadline: datetime.date,
    questions_to: str,
    addressees: Iterable[User] = (),
    themes: Sequence[str] = (),
    detail_level: str = "",
    example: UploadedFile | None = None,
) -> Call:
    """Change a call that is still a draft."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not permissions.can_manage_call(actor, call):
        raise PermissionDenied
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("Kun en kladde kan ændres; indkaldelsen er allerede sendt."))
    call.title, call.letter, call.deadline = title, letter, deadline
    call.questions_to, call.detail_level = questions_to, detail_level
    _set_example(call, example)
    call.full_clean()
    call.save()
    call.addressees.set(addressees)
    _themes(call, themes)
    return call


@transaction.atomic
def call_open(*, actor: User, call: Call) -> Call:
    """Send the call: it becomes visible to its addressees, who are told by e-mail."""
    call = Call.objects.select_for_update().select_related("kkr").get(pk=call.pk)
    if not permissions.can_manage_call(actor, call):
        raise PermissionDenied
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("Indkaldelsen er allerede sendt."))
    if call.deadline < timezone.localdate():
        raise ValidationError(_("Fristen er overskredet; ret fristen, før indkaldelsen sendes."))
    recipients = list(call.addressees.filter(is_active=True))
    if not recipients:
        raise ValidationError(_("Vælg mindst én modtager, før indkaldelsen sendes."))
    call.status = Call.Status.OPEN
    call.opened_at = timezone.now()
    call.save(update_fields=["status", "opened_at", "updated_at"])
    # One message each: the addressees do not see one another's addresses.
    for user in recipients:
        mail.send(
            to=[user.email],
            template="calls/email/call_opened",
            context={"call": call, "link": mail.site_url(call.get_absolute_url())},
        )
    return call


@transaction.atomic
def call_close(*, actor: User, call: Call) -> Call:
    """Close an open call: no more proposals are submitted."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not permissions.can_manage_call(actor, call):
        raise PermissionDenied
    if call.status != Call.Status.OPEN:
        raise ValidationError(_("Kun en åben indkaldelse kan lukkes."))
    call.status = Call.Status.CLOSED
    call.save(update_fields=["status", "updated_at"])
    return call


def _check_initiatives(call: Call, initiatives: Sequence[InitiativeData]) -> None:
    for item in initiatives:
        if item.theme is not None and item.theme.call_id != call.pk:
            raise ValidationError(_("Temaet hører ikke til denne indkaldelse."))


@transaction.atomic
def proposal_save(
    *,
    actor: User,
    call: Call,
    goal: str,
    initiatives: Sequence[InitiativeData],
) -> Proposal:
    """Create or change the actor's own draft proposal to an open call."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not permissions.can_propose(actor, call):
        raise PermissionDenied(_("Kun indkaldelsens modtagere kan stille forslag."))
    _check_initiatives(call, initiatives)
    proposal = Proposal.objects.filter(call=call, author=actor).first() or Proposal(
        call=call, author=actor
    )
    if proposal.status != Proposal.Status.DRAFT:
        raise ValidationError(_("Forslaget er indsendt og kan ikke længere ændres."))
    proposal.goal = goal
    proposal.full_clean()
    proposal.save()
    proposal.initiatives.all().delete()
    ProposalInitiative.objects.bulk_create(
        ProposalInitiative(
            proposal=proposal,
            theme=item.theme,
            kind=item.kind,
            text=item.text,
            rationale=item.rationale,
            order=order,
        )
        for order, item in enumerate(initiatives)
    )
    return proposal


def _mail_about(proposal: Proposal, *, to: str, template: str) -> None:
    mail.send(
        to=[to],
        template=template,
        context={
            "proposal": proposal,
            "call": proposal.call,
            "link": mail.site_url(proposal.get_absolute_url()),
        },
    )


@transaction.atomic
def proposal_submit(*, actor: User, proposal: Proposal) -> Proposal:
    """The author submits their draft; from now on the call's secretariat reads it."""
    proposal = Proposal.objects.select_for_update().select_related("call__kkr").get(pk=proposal.pk)
    if not permissions.can_edit_proposal(actor, proposal):
        raise PermissionDenied
    if proposal.call.deadline < timezone.localdate():
        raise ValidationError(_("Fristen for forslag er overskredet."))
    if not proposal.initiatives.exists():
        raise ValidationError(_("Tilføj mindst én indsats, før forslaget indsendes."))
    proposal.status = Proposal.Status.SUBMITTED
    proposal.submitted_at = timezone.now()
    proposal.save(update_fields=["status", "submitted_at", "updated_at"])
    _mail_about(proposal, to=proposal.call.questions_to, template="calls/email/proposal_submitted")
    return proposal


@transaction.atomic
def proposal_review(*, actor: User, proposal: Proposal, status: str, comment: str = "") -> Proposal:
    """The secretariat accepts or rejects a submitted proposal; the author is told."""
    proposal = (
        Proposal.objects.select_for_update().select_related("call", "author").get(pk=proposal.pk)
    )
    if not permissions.can_review_proposal(actor, proposal):
        raise PermissionDenied
    if status not in {Proposal.Status.ACCEPTED, Proposal.Status.REJECTED}:
        raise ValidationError(_("Vælg at acceptere eller afvise forslaget."))
    if status == Proposal.Status.REJECTED and not comment.strip():
        raise ValidationError(
            _("Skriv en kommentar til forslagsstilleren, når et forslag afvises.")
        )
    proposal.status = status
    proposal.review_comment = comment
    proposal.reviewed_by = actor
    proposal.reviewed_at = timezone.now()
    proposal.save()
    _mail_about(proposal, to=proposal.author.email, template="calls/email/proposal_reviewed")
    return proposal


@transaction.atomic
def framework_text_record(
    *, actor: User, initiative: ProposalInitiative, framework_text: str
) -> ProposalInitiative:
    """Record how an accepted proposal's initiative will read in the draft framework."""
    initiative = ProposalInitiative.objects.select_related("proposal__call").get(pk=initiative.pk)
    if not permissions.can_review_proposal(actor, initiative.proposal):
        raise PermissionDenied
    if initiative.proposal.status != Proposal.Status.ACCEPTED:
        raise ValidationError(_("Teksten til rammepapiret skrives for accepterede forslag."))
    initiative.framework_text = framework_text
    initiative.save(update_fields=["framework_text", "updated_at"])
    return initiative


def reminders_send(*, today: datetime.date) -> int:
    """Remind the addressees of open calls near their deadline who have not submitted.

    Idempotent: each addressee is reminded once per call (CallReminder), so a second run the
    same day, or the next, sends nothing twice. Returns how many reminders went out.
    """
    sent = 0
    calls = Call.objects.filter(
        status=Call.Status.OPEN,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE),
    )
    for call in calls:
        sent += _remind(call)
    return sent


@transaction.atomic
def _remind(call: Call) -> int:
    # The lock makes a second, concurrent run wait and then find the reminders recorded.
    call = Call.objects.select_for_update().get(pk=call.pk)
    submitted = call.proposals.exclude(status=Proposal.Status.DRAFT).values("author_id")
    reminded = call.reminders.values("user_id")
    due = list(
        call.addressees.filter(is_active=True).exclude(pk__in=submitted).exclude(pk__in=reminded)
    )
    CallReminder.objects.bulk_create(
        [CallReminder(call=call, user=user) for user in due], ignore_conflicts=True
    )
    for user in due:
        mail.send(
            to=[user.email],
            template="calls/email/reminder",
            context={"call": call, "user": user, "link": mail.site_url(call.get_absolute_url())},
        )
    return len(due)

"""Writes with rules: opening rounds, saving and moving reports through their workflow."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from simple_history.utils import bulk_create_with_history

from accounts.models import Membership, User
from commitments.models import Framework, Initiative
from reporting.models import (
    Attachment,
    PoliticalAnswer,
    PoliticalQuestion,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
)

DEFAULT_POLITICAL_QUESTIONS = [
    "Hvordan vil kommunen arbejde med målsætningerne?",
    "Vil kommunen – eventuelt i samarbejde med andre kommuner – starte eller har kommunen "
    "startet pilotprojekter, hvor resultaterne med fordel kan formidles til de øvrige kommuner?",
    "Hvilke indsatser ser kommunen, hvor der med fordel kan etableres fælles kommunale "
    "samarbejder?",
]


class ReportConflict(Exception):
    """Someone else saved the report since this user loaded it."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version


@dataclass(frozen=True)
class EntryData:
    """The fields a coordinator writes on one entry."""

    entry_id: int
    status: int | None
    narrative: str
    method_ids: frozenset[int]
    other_methods: str
    next_steps: str
    links: str
    participation: str
    pilot_project_id: int | None


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _mail(
    *, recipients: Iterable[str], subject: str, template: str, context: dict
) -> tuple[str, str, str, list[str]] | None:
    recipients = sorted(set(recipients))
    if not recipients:
        return None
    with override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
    return (subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _send_on_commit(messages: list) -> None:
    messages = [m for m in messages if m]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))


def coordinator_emails(municipality_id: int) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.COORDINATOR,
            memberships__municipality_id=municipality_id,
        ).values_list("email", flat=True)
    )


def secretariat_emails(kkr_id: int) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.SECRETARIAT,
            memberships__kkr_id=kkr_id,
        ).values_list("email", flat=True)
    )


def results_changed(*, round_id: int) -> None:
    """Mark the round's results as changed, so that cached dashboard figures are recomputed."""
    ReportingRound.objects.filter(pk=round_id).update(results_version=F("results_version") + 1)


def _check_manages(actor: User, round_: ReportingRound) -> None:
    if not ReportingRound.objects.managed_by(actor).filter(pk=round_.pk).exists():
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan ændre runden."))


@transaction.atomic
def round_create(
    *,
    actor: User,
    framework: Framework,
    title: str,
    slug: str,
    opens_on: datetime.date,
    deadline: datetime.date,
    introduction: str = "",
    questions: list[str] | None = None,
) -> ReportingRound:
    """Create a draft round with the default political questions (seed 002) unless given."""
    if not Framework.objects.editable_by(actor).filter(pk=framework.pk).exists():
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan oprette runder."))
    if framework.status != Framework.Status.ADOPTED:
        raise ValidationError(_("Der kan kun oprettes runder for et vedtaget rammepapir."))
    round_ = ReportingRound(
        framework=framework,
        title=title,
        slug=slug,
        opens_on=opens_on,
        deadline=deadline,
        introduction=introduction,
    )
    round_.full_clean()
    round_.save()
    texts = DEFAULT_POLITICAL_QUESTIONS if questions is None else questions
    PoliticalQuestion.objects.bulk_create(
        PoliticalQuestion(round=round_, number=number, text=text)
        for number, text in enumerate(texts, start=1)
    )
    return round_


def _previous_entries(municipality_ids: list[int], round_: ReportingRound) -> dict:
    """Each municipality's latest approved answers in the framework, keyed by initiative."""
    latest = (
        Report.objects.filter(
            municipality_id__in=municipality_ids,
            round__framework_id=round_.framework_id,
            status=Report.Status.APPROVED,
        )
        .exclude(round=round_)
        .order_by("municipality_id", "-round__opens_on")
    )
    report_ids = {}
    for report in latest.only("id", "municipality_id"):
        report_ids.setdefault(report.municipality_id, report.pk)
    previous: dict[tuple[int, int], ReportEntry] = {}
    entries = ReportEntry.objects.filter(report_id__in=report_ids.values()).select_related("report")
    for entry in entries.prefetch_related("methods"):
        previous[(entry.report.municipality_id, entry.initiative_id)] = entry
    return previous


@transaction.atomic
def round_open(*, actor: User, round_: ReportingRound) -> int:
    """Open a draft round: one report per municipality of the KKR, one entry per initiative.

    Entries snapshot the initiative's wording and are pre-filled from the municipality's
    latest approved report in the same framework. Returns the number of reports created.
    """
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    _check_manages(actor, round_)
    if round_.status != ReportingRound.Status.DRAFT:
        raise ValidationError(_("Runden er allerede åbnet."))
    if not round_.questions.exists():
        raise ValidationError(_("Runden skal have mindst ét politisk spørgsmål."))

    municipalities = list(round_.framework.kkr.municipalities.order_by("name"))
    initiatives = list(
        Initiative.objects.filter(framework=round_.framework)
        .in_display_order()
        .select_related("block__area")
    )
    if not initiatives:
        raise ValidationError(_("Rammepapiret har ingen indsatser at afrapportere på."))
    questions = list(round_.questions.all())
    previous = _previous_entries([m.pk for m in municipalities], round_)

    bulk_create_with_history(
        [Report(round=round_, municipality=m) for m in municipalities],
        Report,
        default_user=actor,
        default_change_reason="round opened",
    )
    reports = list(Report.objects.filter(round=round_).order_by("municipality__name"))
    entries, copied_methods = [], []
    for report in reports:
        for position, initiative in enumerate(initiatives, start=1):
            entry = ReportEntry(
                report=report,
                initiative=initiative,
                initiative_code=initiative.code,
                initiative_title=initiative.title,
                initiative_text=initiative.text,
                initiative_kind=initiative.kind,
                area_number=initiative.block.area.number,
                area_title=initiative.block.area.title,
                block_title=initiative.block.title,
                position=position,
            )
            before = previous.get((report.municipality_id, initiative.pk))
            if before is not None:
                for field in ReportEntry.ANSWER_FIELDS:
                    setattr(entry, field, getattr(before, field))
                copied_methods.append((report.pk, initiative.pk, before.methods.all()))
            entries.append(entry)
    bulk_create_with_history(
        entries, ReportEntry, default_user=actor, default_change_reason="round opened"
    )
    if copied_methods:
        by_key = {
            (e.report_id, e.initiative_id): e.pk
            for e in ReportEntry.objects.filter(report__round=round_).only(
                "id", "report_id", "initiative_id"
            )
        }
        through = ReportEntry.methods.through
        through.objects.bulk_create(
            through(reportentry_id=by_key[(report_id, initiative_id)], method_id=method.pk)
            for report_id, initiative_id, methods in copied_methods
            for method in methods
        )
    PoliticalAnswer.objects.bulk_create(
        PoliticalAnswer(report=report, question=question)
        for report in reports
        for question in questions
    )
    ReportEvent.objects.bulk_create(
        ReportEvent(report=report, action=ReportEvent.Action.CREATED, actor=actor)
        for report in reports
    )
    round_.status = ReportingRound.Status.OPEN
    round_.opened_at = timezone.now()
    round_.save(update_fields=["status", "opened_at", "updated_at"])

    messages = [
        _mail(
            recipients=coordinator_emails(report.municipality_id),
            subject=_("Ny afrapportering: %(round)s") % {"round": round_.title},
            template="reporting/email/round_opened.txt",
            context={
                "round": round_,
                "report": report,
                "link": _site_url(report.get_absolute_url()),
            },
        )
        for report in reports
    ]
    _send_on_commit(messages)
    return len(reports)


@transaction.atomic
def round_close(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Close an open round: reports can no longer be edited or submitted."""
    _check_manages(actor, round_)
    if round_.status != ReportingRound.Status.OPEN:
        raise ValidationError(_("Kun en åben runde kan lukkes."))
    round_.status = ReportingRound.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at", "updated_at"])
    return round_


@transaction.atomic
def round_reopen(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Reopen a closed round so that municipalities can report again."""
    _check_manages(actor, round_)
    if round_.status != ReportingRound.Status.CLOSED:
        raise ValidationError(_("Kun en lukket runde kan genåbnes."))
    round_.status = ReportingRound.Status.OPEN
    round_.closed_at = None
    round_.save(update_fields=["status", "closed_at", "updated_at"])
    return round_


def _lock_editable(actor: User, report_id: int, expected_version: int | None = None) -> Report:
    """Lock the report row for writing, or refuse: wrong user, wrong state, or (when the
    caller read a version) a stale version."""
    locked = Report.objects.select_for_update().select_related("round").get(pk=report_id)
    if not Report.objects.editable_by(actor).filter(pk=locked.pk).exists():
        raise PermissionDenied(_("Rapporten kan ikke ændres."))
    if expected_version is not None and locked.version != expected_version:
        raise ReportConflict(locked.version)
    return locked


def _write_entries(report: Report, entries: list[EntryData]) -> None:
    existing = {e.pk: e for e in report.entries.prefetch_related("methods")}
    for data in entries:
        entry = existing.get(data.entry_id)
        if entry is None:
            raise PermissionDenied(_("Linjen hører ikke til rapporten."))
        changed = False
        for field in ReportEntry.ANSWER_FIELDS:
            attribute = "pilot_project_id" if field == "pilot_project" else field
            value = getattr(data, attribute)
            if getattr(entry, attribute) != value:
                setattr(entry, attribute, value)
                changed = True
        if changed:
            entry.save()
        current_methods = {m.pk for m in entry.methods.all()}
        if current_methods != set(data.method_ids):
            entry.methods.set(data.method_ids)


@transaction.atomic
def report_save(
    *,
    actor: User,
    report: Report,
    expected_version: int,
    entries: list[EntryData],
    answers: dict[int, str],
    council_body: str,
    council_date: datetime.date | None,
) -> Report:
    """Save a draft: everything or nothing, refused if someone else saved in between."""
    locked = _lock_editable(actor, report.pk, expected_version)
    _write_entries(locked, entries)
    for answer in locked.answers.all():
        if answer.pk in answers and answers[answer.pk] != answer.answer:
            answer.answer = answers[answer.pk]
            answer.save()
    locked.council_body = council_body
    locked.council_date = council_date
    locked.started_at = locked.started_at or timezone.now()
    locked.version += 1
    locked.save()
    results_changed(round_id=locked.round_id)
    ReportEvent.objects.create(report=locked, action=ReportEvent.Action.SAVED, actor=actor)
    return locked


def report_missing(report: Report) -> dict[int, str]:
    """What stops a report from being submitted, by entry id (0 for the report itself)."""
    problems: dict[int, str] = {}
    for entry in report.entries.all():
        if entry.is_mandatory:
            if entry.status is None:
                problems[entry.pk] = _("Vælg kommunens status på indsatsen.")
            elif (
                entry.status > ReportEntry.ImplementationStatus.NOT_STARTED
                and not entry.narrative.strip()
            ):
                problems[entry.pk] = _(
                    "Beskriv, hvordan kommunen arbejder med indsatsen, når den er i gang."
                )
        elif not entry.participation:
            problems[entry.pk] = _("Angiv kommunens deltagelse i pilotindsatsen.")
    return problems


@transaction.atomic
def report_submit(*, actor: User, report: Report, expected_version: int) -> Report:
    """Submit a saved report to the secretariat; it is then locked for the municipality."""
    locked = _lock_editable(actor, report.pk, expected_version)
    problems = report_missing(locked)
    if problems:
        raise ValidationError(
            _("Rapporten kan ikke indsendes endnu: %(count)s indsatser mangler svar.")
            % {"count": len(problems)},
            code="incomplete",
            params={"problems": problems},
        )
    locked.status = Report.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = actor
    locked.version += 1
    locked.save()
    results_changed(round_id=locked.round_id)
    ReportEvent.objects.create(report=locked, action=ReportEvent.Action.SUBMITTED, actor=actor)
    _send_on_commit(
        [
            _mail(
                recipients=secretariat_emails(locked.municipality.kkr_id),
                subject=_("%(municipality)s har indsendt sin rapport")
                % {"municipality": locked.municipality.name},
                template="reporting/email/report_submitted.txt",
                context={"report": locked, "link": _site_url(locked.get_absolute_url())},
            )
        ]
    )
    return locked


def _lock_reviewable(actor: User, report: Report) -> Report:
    locked = Report.objects.select_for_update().select_related("round").get(pk=report.pk)
    if not Report.objects.reviewable_by(actor).filter(pk=locked.pk).exists():
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan behandle rapporten."))
    if locked.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Kun en indsendt rapport kan godkendes eller sendes retur."))
    return locked


def _review(actor: User, report: Report, *, status: str, action: str, comment: str) -> Report:
    report.status = status
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.return_comment = comment if status == Report.Status.RETURNED else ""
    report.version += 1
    report.save()
    results_changed(round_id=report.round_id)
    ReportEvent.objects.create(report=report, action=action, actor=actor, comment=comment)
    template = (
        "reporting/email/report_returned.txt"
        if status == Report.Status.RETURNED
        else "reporting/email/report_approved.txt"
    )
    subject = (
        _("Rapporten for %(round)s er sendt retur")
        if status == Report.Status.RETURNED
        else _("Rapporten for %(round)s er godkendt")
    ) % {"round": report.round.title}
    _send_on_commit(
        [
            _mail(
                recipients=coordinator_emails(report.municipality_id),
                subject=subject,
                template=template,
                context={
                    "report": report,
                    "comment": comment,
                    "link": _site_url(report.get_absolute_url()),
                },
            )
        ]
    )
    return report


@transaction.atomic
def report_return(*, actor: User, report: Report, comment: str) -> Report:
    """Send a submitted report back to the municipality with a comment."""
    locked = _lock_reviewable(actor, report)
    if not comment.strip():
        raise ValidationError(
            {"comment": _("Skriv en kommentar, så kommunen ved, hvad der skal rettes.")}
        )
    return _review(
        actor,
        locked,
        status=Report.Status.RETURNED,
        action=ReportEvent.Action.RETURNED,
        comment=comment,
    )


@transaction.atomic
def report_approve(*, actor: User, report: Report, comment: str = "") -> Report:
    """Approve a submitted report."""
    locked = _lock_reviewable(actor, report)
    return _review(
        actor,
        locked,
        status=Report.Status.APPROVED,
        action=ReportEvent.Action.APPROVED,
        comment=comment,
    )


@transaction.atomic
def report_extend_deadline(
    *, actor: User, report: Report, deadline: datetime.date, reason: str
) -> Report:
    """Give one municipality a later deadline, with a reason."""
    locked = Report.objects.select_for_update().select_related("round").get(pk=report.pk)
    if not Report.objects.reviewable_by(actor).filter(pk=locked.pk).exists():
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan forlænge fristen."))
    if deadline <= locked.round.deadline:
        raise ValidationError(
            {"deadline": _("Den forlængede frist skal ligge efter rundens frist.")}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv en begrundelse for den forlængede frist.")})
    locked.deadline_override = deadline
    locked.deadline_override_reason = reason.strip()
    locked.save(update_fields=["deadline_override", "deadline_override_reason", "updated_at"])
    ReportEvent.objects.create(
        report=locked,
        action=ReportEvent.Action.DEADLINE_EXTENDED,
        actor=actor,
        comment=f"{deadline:%d.%m.%Y}: {reason.strip()}",
    )
    return locked


@transaction.atomic
def round_update(
    *,
    actor: User,
    round_: ReportingRound,
    title: str,
    opens_on: datetime.date,
    deadline: datetime.date,
    introduction: str,
    questions: list[str],
) -> ReportingRound:
    """Change a draft round and replace its political questions (none are answered yet)."""
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    _check_manages(actor, round_)
    if round_.status != ReportingRound.Status.DRAFT:
        raise ValidationError(_("Kun en runde, der ikke er åbnet endnu, kan redigeres."))
    if not questions:
        raise ValidationError(_("Runden skal have mindst ét politisk spørgsmål."))
    round_.title = title
    round_.opens_on = opens_on
    round_.deadline = deadline
    round_.introduction = introduction
    round_.full_clean()
    round_.save()
    round_.questions.all().delete()
    PoliticalQuestion.objects.bulk_create(
        PoliticalQuestion(round=round_, number=number, text=text)
        for number, text in enumerate(questions, start=1)
    )
    return round_


# --- attachments (report form) ---


@transaction.atomic
def attachment_add(*, actor: User, entry: ReportEntry, upload: UploadedFile) -> Attachment:
    """Attach a (validated) file to a mandatory entry of a report the actor may edit."""
    _lock_editable(actor, entry.report_id)
    if not entry.is_mandatory:
        raise ValidationError(_("Der kan kun vedhæftes filer til forpligtende indsatser."))
    attachment = Attachment(
        entry=entry, original_name=upload.name[:255], size=upload.size, uploaded_by=actor
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User, attachment: Attachment) -> None:
    """Remove an attachment from a report the actor may edit; the file goes after commit."""
    _lock_editable(actor, attachment.entry.report_id)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))

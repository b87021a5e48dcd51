"""Writes with rules for a municipality's report: save, submit, and the secretariat's review."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.selectors import coordinator_emails, secretariat_emails
from core import mail
from core.validators import validate_no_cpr_number
from reporting.models import Report, ReportEntry, ReportEvent
from reporting.permissions import can_edit_report, can_review_report
from reporting.selectors.pilots import pilot_projects_open_to
from reporting.services.rounds import results_changed


class ReportConflict(Exception):
    """Someone else saved the report since this user loaded it."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version


# A later deadline for one municipality, at most this long after the round's.
MAX_DEADLINE_EXTENSION = datetime.timedelta(days=365)

# Every field of an entry but the answer: the snapshot is not the coordinator's to validate.
NOT_ANSWERED = [
    field.name
    for field in ReportEntry._meta.get_fields()
    if field.concrete and field.name not in ReportEntry.ANSWER_FIELDS
]


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


def report_lock_editable(
    actor: User, report_id: int, expected_version: int | None = None
) -> Report:
    """Lock the report row for writing, or refuse: wrong user, wrong state, or (when the
    caller read a version) a stale version."""
    locked = Report.objects.select_for_update().select_related("round").get(pk=report_id)
    if not can_edit_report(actor, locked):
        raise PermissionDenied(_("Rapporten kan ikke ændres."))
    if expected_version is not None and locked.version != expected_version:
        raise ReportConflict(locked.version)
    return locked


def _check_pilot_projects(
    report: Report, existing: dict[int, ReportEntry], entries: list[EntryData]
) -> None:
    """A newly chosen pilot project must be one on the entry's initiative that the
    municipality leads or has joined; the one an entry already points to is kept."""
    chosen = {
        data.entry_id: data.pilot_project_id
        for data in entries
        if data.pilot_project_id is not None
        and data.entry_id in existing
        and data.pilot_project_id != existing[data.entry_id].pilot_project_id
    }
    if not chosen:
        return
    open_to = dict(pilot_projects_open_to(report).values_list("pk", "initiative_id"))
    for entry_id, project_id in chosen.items():
        if open_to.get(project_id) != existing[entry_id].initiative_id:
            raise ValidationError(
                _(
                    "Vælg et pilotprojekt under indsatsen, som kommunen er tovholder for "
                    "eller deltager i."
                ),
                code="pilot_project",
            )


def _write_entries(
    report: Report, entries: list[EntryData], confirmed_entry_ids: frozenset[int]
) -> None:
    """Write what changed; a carried-over line that changes, or that the coordinator
    confirms, becomes this round's answer (its mark goes, in the same history record)."""
    existing = {e.pk: e for e in report.entries.prefetch_related("methods")}
    if not confirmed_entry_ids <= existing.keys() or any(
        data.entry_id not in existing for data in entries
    ):
        raise PermissionDenied(_("Linjen hører ikke til rapporten."))
    _check_pilot_projects(report, existing, entries)
    written = set()
    for data in entries:
        entry = existing[data.entry_id]
        written.add(entry.pk)
        changed = False
        for field in ReportEntry.ANSWER_FIELDS:
            attribute = "pilot_project_id" if field == "pilot_project" else field
            value = getattr(data, attribute)
            if getattr(entry, attribute) != value:
                setattr(entry, attribute, value)
                changed = True
        methods_changed = {m.pk for m in entry.methods.all()} != set(data.method_ids)
        if entry.is_carried_over and (
            changed or methods_changed or entry.pk in confirmed_entry_ids
        ):
            entry.carried_over_from = None
            changed = True
        if changed:
            # The model's validators (links, free text) hold whatever form wrote the data.
            entry.clean_fields(exclude=NOT_ANSWERED)
            entry.save()
        if methods_changed:
            entry.methods.set(data.method_ids)
    for entry_id in confirmed_entry_ids - written:
        entry = existing[entry_id]
        if entry.is_carried_over:
            entry.carried_over_from = None
            entry.save()


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
    confirmed_entry_ids: frozenset[int] = frozenset(),
) -> Report:
    """Save a draft: everything or nothing, refused if someone else saved in between.

    Only the entries and answers given are written (a form may hold one area of the report);
    `confirmed_entry_ids` are carried-over lines the coordinator confirms as they stand."""
    locked = report_lock_editable(actor, report.pk, expected_version)
    for text in [council_body, *answers.values()]:
        validate_no_cpr_number(text)
    _write_entries(locked, entries, confirmed_entry_ids)
    for answer in locked.answers.all():
        if answer.pk in answers and answers[answer.pk] != answer.answer:
            answer.answer = answers[answer.pk]
            answer.save()
    locked.council_body = council_body
    locked.council_date = council_date
    locked.started_at = locked.started_at or timezone.now()
    locked.version += 1
    locked.save()
    results_changed(round_id=locked.round_id, report_ids=[locked.pk])
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


def report_refusals(report: Report) -> tuple[dict[int, str], dict[int, str]]:
    """What the round's rule refuses a submission for: problems by entry id (`report_missing`,
    and carried-over lines not confirmed if the round requires it) and by political answer
    id (unanswered questions, if the round requires answers)."""
    problems = report_missing(report)
    round_ = report.round
    if round_.require_confirmed_lines and report.prefilled_from is not None:
        # Every line of a report is carried over from the same round.
        message = _("Bekræft eller ret svaret, der er overført fra %(round)s.") % {
            "round": report.prefilled_from.title
        }
        for entry in report.entries.all():
            if entry.is_carried_over and entry.pk not in problems:
                problems[entry.pk] = message
    answer_problems = {}
    if round_.require_political_answers:
        answer_problems = {
            answer.pk: _("Besvar det politiske spørgsmål.")
            for answer in report.answers.all()
            if not answer.answer.strip()
        }
    return problems, answer_problems


@transaction.atomic
def report_submit(*, actor: User, report: Report, expected_version: int) -> Report:
    """Submit a saved report to the secretariat; it is then locked for the municipality.

    Refused, with a message per field, while the round's rule (`report_refusals`) finds
    something missing."""
    locked = report_lock_editable(actor, report.pk, expected_version)
    problems, answer_problems = report_refusals(locked)
    if problems or answer_problems:
        count = len(problems) + len(answer_problems)
        raise ValidationError(
            ngettext(
                "Rapporten kan ikke indsendes endnu: %(count)s svar mangler.",
                "Rapporten kan ikke indsendes endnu: %(count)s svar mangler.",
                count,
            )
            % {"count": count},
            code="incomplete",
            params={"problems": problems, "answers": answer_problems},
        )
    locked.status = Report.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = actor
    locked.version += 1
    locked.save()
    results_changed(round_id=locked.round_id, report_ids=[locked.pk])
    ReportEvent.objects.create(report=locked, action=ReportEvent.Action.SUBMITTED, actor=actor)
    mail.send(
        to=secretariat_emails(locked.municipality.kkr_id),
        template="reporting/email/report_submitted",
        context={"report": locked, "link": mail.site_url(locked.get_absolute_url())},
    )
    return locked


def _lock_for_review(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self", "round"))
        .select_related("round", "municipality")
        .get(pk=report.pk)
    )


def _lock_reviewable(actor: User, report: Report) -> Report:
    locked = _lock_for_review(report)
    if not can_review_report(actor, locked):
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
    results_changed(round_id=report.round_id, report_ids=[report.pk])
    ReportEvent.objects.create(report=report, action=action, actor=actor, comment=comment)
    template = (
        "reporting/email/report_returned"
        if status == Report.Status.RETURNED
        else "reporting/email/report_approved"
    )
    mail.send(
        to=coordinator_emails(report.municipality_id),
        template=template,
        context={
            "report": report,
            "comment": comment,
            "link": mail.site_url(report.get_absolute_url()),
        },
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
    locked = _lock_for_review(report)
    if not can_review_report(actor, locked):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan forlænge fristen."))
    if locked.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise ValidationError(
            _("Fristen kan kun forlænges for en rapport, som kommunen stadig arbejder på.")
        )
    if deadline <= locked.round.deadline:
        raise ValidationError(
            {"deadline": _("Den forlængede frist skal ligge efter rundens frist.")}
        )
    if deadline > locked.round.deadline + MAX_DEADLINE_EXTENSION:
        raise ValidationError(
            {"deadline": _("Fristen kan højst forlænges med et år efter rundens frist.")}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv en begrundelse for den forlængede frist.")})
    try:
        validate_no_cpr_number(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from error
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

"""Writes with rules for reporting rounds: create, edit (also while open), open, close, reopen,
publish."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.selectors import coordinator_emails
from commitments.models import Framework, Initiative
from commitments.permissions import can_edit_framework
from core import mail
from reporting.models import (
    PoliticalAnswer,
    PoliticalQuestion,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
)
from reporting.permissions import can_manage_round
from reporting.services.summaries import summaries_refresh

DEFAULT_POLITICAL_QUESTIONS = [
    "Hvordan vil kommunen arbejde med målsætningerne?",
    "Vil kommunen – eventuelt i samarbejde med andre kommuner – starte eller har kommunen "
    "startet pilotprojekter, hvor resultaterne med fordel kan formidles til de øvrige kommuner?",
    "Hvilke indsatser ser kommunen, hvor der med fordel kan etableres fælles kommunale "
    "samarbejder?",
]


def results_changed(*, round_id: int, report_ids: Iterable[int]) -> None:
    """The one path of every write of a round's reports or their entries: the reports'
    summaries are recomputed, and the round's results marked as changed, so that cached
    dashboard figures and pages are recomputed; in the writer's transaction."""
    summaries_refresh(report_ids=report_ids)
    ReportingRound.objects.filter(pk=round_id).update(results_version=F("results_version") + 1)


def _lock_managed(actor: User, round_: ReportingRound, refusal: str = "") -> ReportingRound:
    """Lock the round's row, then refuse unless the actor manages the round."""
    locked = (
        ReportingRound.objects.select_for_update(of=("self",))
        .select_related("framework")
        .get(pk=round_.pk)
    )
    if not can_manage_round(actor, locked):
        raise PermissionDenied(refusal or _("Kun KKR'ets sekretariat kan ændre runden."))
    return locked


def carried_over_reason(source: ReportingRound) -> str:
    """The history's reason for a line copied from an earlier round (names that round)."""
    return _("Overført fra %(round)s") % {"round": source.title}


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
    _check_framework(actor, framework)
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
    _create_questions(actor, round_, texts)
    return round_


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
    framework: Framework | None = None,
) -> ReportingRound:
    """Change a round that is not closed; every change is in the round's history.

    A draft changes freely and its questions are replaced (none are answered yet). An open
    round keeps its framework, opening date and questions' numbers, since the municipalities'
    reports are built on them; its deadline, introduction and questions' wording may change,
    and questions may be added. Municipalities whose deadline moves get an e-mail.
    """
    round_ = _lock_managed(actor, round_)
    if round_.status == ReportingRound.Status.CLOSED:
        raise ValidationError(_("En lukket runde kan ikke redigeres. Genåbn den først."))
    if not questions:
        raise ValidationError(_("Runden skal have mindst ét politisk spørgsmål."))
    if round_.status == ReportingRound.Status.DRAFT:
        if framework is not None and framework.pk != round_.framework_id:
            _check_framework(actor, framework)
            round_.framework = framework
        round_.opens_on = opens_on
        round_.deadline = deadline
        round_.title = title
        round_.introduction = introduction
        round_.full_clean()
        round_._change_reason = "round edited"  # type: ignore[attr-defined]
        round_.save()
        round_.questions.all().delete()
        _create_questions(actor, round_, questions)
        return round_
    return _update_open(
        actor, round_, title, opens_on, deadline, introduction, questions, framework
    )


def _create_questions(actor: User, round_: ReportingRound, texts: list[str]) -> None:
    """The round's questions, numbered from 1, with their first history record."""
    bulk_create_with_history(
        [
            PoliticalQuestion(round=round_, number=number, text=text)
            for number, text in enumerate(texts, start=1)
        ],
        PoliticalQuestion,
        default_user=actor,
    )


def _check_framework(actor: User, framework: Framework) -> None:
    if not can_edit_framework(actor, framework):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan oprette runder."))
    # The state as it is now, not as the caller read it: a draft, or one in consultation,
    # has no rounds (decision 25).
    status = (
        Framework.objects.select_for_update().values_list("status", flat=True).get(pk=framework.pk)
    )
    if status != Framework.Status.ADOPTED:
        raise ValidationError(_("Der kan kun oprettes runder for et vedtaget rammepapir."))


def _update_open(
    actor: User,
    round_: ReportingRound,
    title: str,
    opens_on: datetime.date,
    deadline: datetime.date,
    introduction: str,
    questions: list[str],
    framework: Framework | None,
) -> ReportingRound:
    """The changes an open round allows (see `round_update`), each refused with its reason."""
    if framework is not None and framework.pk != round_.framework_id:
        raise ValidationError(
            _(
                "Rammepapiret kan ikke skiftes, når runden er åbnet: kommunernes rapporter "
                "er bygget på dets indsatser. Luk runden, og opret en ny."
            )
        )
    if opens_on != round_.opens_on:
        raise ValidationError(_("Runden er allerede åbnet, så åbningsdatoen kan ikke ændres."))
    existing = list(round_.questions.order_by("number"))
    if len(questions) < len(existing):
        raise ValidationError(
            _(
                "Et spørgsmål kan ikke fjernes, når runden er åben: kommunerne svarer "
                "allerede på det. Ret teksten i stedet."
            )
        )
    old_deadline = round_.deadline
    if deadline != old_deadline and deadline < timezone.localdate():
        raise ValidationError(_("Den nye frist må ikke ligge før i dag."))
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(round=round_)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    before = {report.pk: report.deadline for report in reports}

    round_.title = title
    round_.deadline = deadline
    round_.introduction = introduction
    round_.full_clean()
    round_._change_reason = "open round edited"  # type: ignore[attr-defined]
    round_.save()
    for question, text in zip(existing, questions, strict=False):
        if question.text != text:
            question.text = text
            question._change_reason = "open round edited"  # type: ignore[attr-defined]
            question.save(update_fields=["text", "updated_at"])
    added = [
        PoliticalQuestion.objects.create(round=round_, number=number, text=text)
        for number, text in enumerate(questions[len(existing) :], start=len(existing) + 1)
    ]
    PoliticalAnswer.objects.bulk_create(
        PoliticalAnswer(report=report, question=question)
        for report in reports
        for question in added
    )
    if deadline != old_deadline:
        _deadline_moved(actor, round_, reports, before)
    return round_


def _deadline_moved(
    actor: User,
    round_: ReportingRound,
    reports: list[Report],
    before: dict[int, datetime.date],
) -> None:
    """A common deadline at least as late as an extension replaces it; those it moves hear."""
    for report in reports:
        report.round = round_
        if report.deadline_override and report.deadline_override <= round_.deadline:
            report.deadline_override = None
            report.deadline_override_reason = ""
            report._change_reason = "round deadline moved"  # type: ignore[attr-defined]
            report.save(
                update_fields=["deadline_override", "deadline_override_reason", "updated_at"]
            )
        if report.deadline == before[report.pk] or report.status not in Report.EDITABLE_STATUSES:
            continue
        ReportEvent.objects.create(
            report=report,
            action=ReportEvent.Action.DEADLINE_EXTENDED,
            actor=actor,
            comment=_("Rundens frist er flyttet til %(date)s.")
            % {"date": formats.date_format(report.deadline, "j. F Y")},
        )
        mail.send(
            to=coordinator_emails(report.municipality_id),
            template="reporting/email/round_deadline_moved",
            context={
                "round": round_,
                "report": report,
                "previous": before[report.pk],
                "link": mail.site_url(report.get_absolute_url()),
            },
        )


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
    report_ids: dict[int, int] = {}
    for report in latest.only("id", "municipality_id"):
        report_ids.setdefault(report.municipality_id, report.pk)
    previous: dict[tuple[int, int], ReportEntry] = {}
    entries = ReportEntry.objects.filter(report_id__in=report_ids.values()).select_related(
        "report__round"
    )
    for entry in entries.prefetch_related("methods"):
        previous[(entry.report.municipality_id, entry.initiative_id)] = entry
    return previous


@transaction.atomic
def round_open(*, actor: User, round_: ReportingRound) -> int:
    """Open a draft round: one report per municipality of the KKR, one entry per initiative.

    Entries snapshot the initiative's wording and are pre-filled from the municipality's
    latest approved report in the same framework. A pre-filled line is marked as carried over
    from that round, and its history credits the values to the system, naming the round, not
    to the person who opened this one. Returns the number of reports created.
    """
    round_ = _lock_managed(actor, round_)
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

    sources = {
        municipality_id: entry.report.round
        for (municipality_id, _initiative_id), entry in previous.items()
    }
    bulk_create_with_history(
        [
            Report(round=round_, municipality=m, prefilled_from=sources.get(m.pk))
            for m in municipalities
        ],
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
                entry.carried_over_from = before.report.round
                # Read by bulk_create_with_history: the values are the earlier round's,
                # copied by the portal, not written by the secretariat user opening this one.
                entry._history_user = None  # type: ignore[attr-defined]
                entry._change_reason = carried_over_reason(before.report.round)  # type: ignore[attr-defined]
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
    results_changed(round_id=round_.pk, report_ids=[report.pk for report in reports])
    round_.status = ReportingRound.Status.OPEN
    round_.opened_at = timezone.now()
    round_.save(update_fields=["status", "opened_at", "updated_at"])

    for report in reports:
        mail.send(
            to=coordinator_emails(report.municipality_id),
            template="reporting/email/round_opened",
            context={
                "round": round_,
                "report": report,
                "link": mail.site_url(report.get_absolute_url()),
            },
        )
    return len(reports)


@transaction.atomic
def round_set_submission_rule(
    *,
    actor: User,
    round_: ReportingRound,
    require_political_answers: bool,
    require_confirmed_lines: bool,
) -> ReportingRound:
    """Set what a report of the round must have answered before it can be submitted.

    A status or participation on every line is always required; the round may also require
    every political question answered and every line carried over confirmed. It can change
    while the round is open: it binds the next submission, not those already made."""
    round_ = _lock_managed(actor, round_)
    if round_.status == ReportingRound.Status.CLOSED:
        raise ValidationError(_("Reglen for indsendelse kan ikke ændres i en lukket runde."))
    round_.require_political_answers = require_political_answers
    round_.require_confirmed_lines = require_confirmed_lines
    round_.save(
        update_fields=["require_political_answers", "require_confirmed_lines", "updated_at"]
    )
    return round_


@transaction.atomic
def round_close(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Close an open round: reports can no longer be edited or submitted."""
    round_ = _lock_managed(actor, round_)
    if round_.status != ReportingRound.Status.OPEN:
        raise ValidationError(_("Kun en åben runde kan lukkes."))
    round_.status = ReportingRound.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at", "updated_at"])
    return round_


@transaction.atomic
def round_reopen(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Reopen a closed round so that municipalities can report again."""
    round_ = _lock_managed(actor, round_)
    if round_.status != ReportingRound.Status.CLOSED:
        raise ValidationError(_("Kun en lukket runde kan genåbnes."))
    round_.status = ReportingRound.Status.OPEN
    round_.closed_at = None
    round_.save(update_fields=["status", "closed_at", "updated_at"])
    return round_


@transaction.atomic
def round_publish(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Show a closed round's approved results on public pages, without login."""
    locked = _lock_managed(actor, round_, _("Kun KKR'ets sekretariat kan offentliggøre runden."))
    if locked.status != ReportingRound.Status.CLOSED:
        raise ValidationError(_("Kun en lukket runde kan offentliggøres."))
    locked.published_at = locked.published_at or timezone.now()
    locked.save(update_fields=["published_at", "updated_at"])
    return locked


@transaction.atomic
def round_unpublish(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Take a round's results off the public pages again."""
    locked = _lock_managed(actor, round_, _("Kun KKR'ets sekretariat kan offentliggøre runden."))
    locked.published_at = None
    locked.save(update_fields=["published_at", "updated_at"])
    return locked

"""Writes with rules for reporting rounds: create, edit, open, close, reopen, publish."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.selectors import coordinator_emails
from commitments.models import Framework, Initiative
from core import mail
from reporting.models import (
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
    # The state as it is now, not as the caller read it: a draft, or one in consultation,
    # has no rounds (decision 25).
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
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


def _lock_managed(actor: User, round_: ReportingRound) -> ReportingRound:
    locked = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if not ReportingRound.objects.managed_by(actor).filter(pk=locked.pk).exists():
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan offentliggøre runden."))
    return locked


@transaction.atomic
def round_publish(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Show a closed round's approved results on public pages, without login."""
    locked = _lock_managed(actor, round_)
    if locked.status != ReportingRound.Status.CLOSED:
        raise ValidationError(_("Kun en lukket runde kan offentliggøres."))
    locked.published_at = locked.published_at or timezone.now()
    locked.save(update_fields=["published_at", "updated_at"])
    return locked


@transaction.atomic
def round_unpublish(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Take a round's results off the public pages again."""
    locked = _lock_managed(actor, round_)
    locked.published_at = None
    locked.save(update_fields=["published_at", "updated_at"])
    return locked

"""Histories: every change to a report's fields, entries, answers and attachments, and to a
round and its political questions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from commitments.models import Method
from core.history import Change, HistoryRow, history_rows, newest_first
from pilots.models import PilotProject
from reporting.models import (
    Attachment,
    PoliticalAnswer,
    PoliticalQuestion,
    Report,
    ReportEntry,
    ReportingRound,
)

REPORT_HISTORY_FIELDS = [
    "status",
    "return_comment",
    "deadline_override",
    "deadline_override_reason",
    "council_body",
    "council_date",
]


def report_history(report: Report) -> list[HistoryRow]:
    """Every change to the report, its entries, answers and attachments, newest first."""
    report_records = report.history.select_related("history_user")
    entry_records = list(
        ReportEntry.history.filter(report_id=report.pk).select_related("history_user")
    )
    through = _methods_through()
    methods_by_record: dict[int, set[int]] = {}
    for history_id, method_id in through.objects.filter(history__report_id=report.pk).values_list(
        "history_id", "method_id"
    ):
        methods_by_record.setdefault(history_id, set()).add(method_id)
    method_names = dict(
        Method.objects.filter(framework_id=report.round.framework_id).values_list("pk", "name")
    )
    pilot_ids = {r.pilot_project_id for r in entry_records if r.pilot_project_id}
    pilot_names = dict(PilotProject.objects.filter(pk__in=pilot_ids).values_list("pk", "title"))
    answer_records = PoliticalAnswer.history.filter(report_id=report.pk).select_related(
        "history_user", "question"
    )
    attachment_records = Attachment.history.filter(entry__report_id=report.pk).select_related(
        "history_user", "entry"
    )

    def methods_changed(before: Any | None, record: Any) -> list[Change]:
        old = methods_by_record.get(before.history_id, set()) if before else set()
        new = methods_by_record.get(record.history_id, set())
        if old == new:
            return []
        return [("methods", old, new)]

    def method_list(ids: set[int]) -> str:
        return ", ".join(sorted(method_names.get(pk, str(pk)) for pk in ids))

    return newest_first(
        [
            *history_rows(report_records, Report, REPORT_HISTORY_FIELDS, lambda r: _("Rapporten")),
            *history_rows(
                entry_records,
                ReportEntry,
                ReportEntry.ANSWER_FIELDS,
                lambda r: f"{r.initiative_code} {r.initiative_title}",
                shown={
                    "pilot_project": lambda pk: str(pilot_names.get(pk, pk)),
                    "methods": method_list,
                },
                more_changes=methods_changed,
            ),
            *history_rows(
                answer_records,
                PoliticalAnswer,
                ["answer"],
                lambda r: _("Politisk spørgsmål %(number)s") % {"number": r.question.number},
            ),
            *history_rows(
                attachment_records,
                Attachment,
                ["original_name"],
                lambda r: f"{r.entry.initiative_code} {r.entry.initiative_title}",
                labels={"original_name": _("Bilag")},
            ),
        ]
    )


ROUND_HISTORY_FIELDS = ["title", "opens_on", "deadline", "introduction"]


def round_history(round_: ReportingRound) -> list[HistoryRow]:
    """Every change to the round and its political questions since it was opened, newest first.

    What a draft looked like before it opened is left out: nobody had seen it yet.
    """
    since = round_.opened_at
    round_records = round_.history.select_related("history_user")
    question_records = PoliticalQuestion.history.filter(round_id=round_.pk).select_related(
        "history_user"
    )
    rows = newest_first(
        [
            *history_rows(
                round_records, ReportingRound, ROUND_HISTORY_FIELDS, lambda r: _("Runden")
            ),
            *history_rows(
                question_records,
                PoliticalQuestion,
                ["text"],
                lambda r: _("Politisk spørgsmål %(number)s") % {"number": r.number},
            ),
        ]
    )
    return [row for row in rows if since is not None and row.at > since]


def _methods_through() -> Any:
    return ReportEntry.history.model._meta.get_field("historicalreportentry_methods").related_model

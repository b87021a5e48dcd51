"""Histories: every change to a report's fields, entries, answers and attachments, and to a
round and its political questions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commitments.models import Method
from pilots.models import PilotProject
from reporting.models import (
    Attachment,
    PoliticalAnswer,
    PoliticalQuestion,
    Report,
    ReportEntry,
    ReportingRound,
)


@dataclass
class HistoryRow:
    at: datetime.datetime
    who: str
    subject: str
    field: str
    old: str
    new: str


REPORT_HISTORY_FIELDS = [
    "status",
    "return_comment",
    "deadline_override",
    "deadline_override_reason",
    "council_body",
    "council_date",
]


def _display(model, name: str, value, names: dict[str, dict]) -> str:
    if value in (None, ""):
        return ""
    if name in names:
        return str(names[name].get(value, value))
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "j. F Y")
    return str(value)


def _who(record) -> str:
    user = record.history_user
    if user is not None:
        return user.get_full_name() or user.email
    # A change no person made, such as a line the portal copied from an earlier round when
    # the round opened, names its reason ("Overført fra …").
    reason = record.history_change_reason
    return _("Portalen – %(reason)s") % {"reason": reason} if reason else ""


def _changes(records, model, fields, subject, names, *, labels=None, more_changes=None):
    """Rows for one model's history records: creation values, then each record's diff."""
    rows: list[tuple[tuple, HistoryRow]] = []
    previous: dict[int, object] = {}
    for record in sorted(records, key=lambda r: (r.id, r.history_date, r.history_id)):
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "-":
            changes = [(f, getattr(record, f), None) for f in fields if getattr(record, f)]
        elif before is None:
            changes = [(f, None, getattr(record, f)) for f in fields]
        else:
            delta = record.diff_against(before, included_fields=fields)
            # In the order of `fields`, so that status comes first.
            ordered = sorted(delta.changes, key=lambda c: fields.index(c.field))
            changes = [(c.field, c.old, c.new) for c in ordered]
        if more_changes:
            changes += more_changes(before, record)
        for name, old, new in changes:
            old_text = _display(model, name, old, names)
            new_text = _display(model, name, new, names)
            if old_text == new_text:
                continue
            label = (labels or {}).get(name) or model._meta.get_field(name).verbose_name
            row = HistoryRow(
                at=record.history_date,
                who=_who(record),
                subject=subject(record),
                field=str(label),
                old=old_text,
                new=new_text,
            )
            rows.append(((record.history_date, model._meta.model_name, record.history_id), row))
    return rows


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

    def methods_changed(before, record):
        old = methods_by_record.get(before.history_id, set()) if before else set()
        new = methods_by_record.get(record.history_id, set())
        if old == new:
            return []
        return [("methods", old, new)]

    entry_names = {"pilot_project": pilot_names, "methods": _SetNames(method_names)}
    rows = [
        *_changes(report_records, Report, REPORT_HISTORY_FIELDS, lambda r: _("Rapporten"), {}),
        *_changes(
            entry_records,
            ReportEntry,
            ReportEntry.ANSWER_FIELDS,
            lambda r: f"{r.initiative_code} {r.initiative_title}",
            entry_names,
            labels={"methods": ReportEntry._meta.get_field("methods").verbose_name},
            more_changes=methods_changed,
        ),
        *_changes(
            answer_records,
            PoliticalAnswer,
            ["answer"],
            lambda r: _("Politisk spørgsmål %(number)s") % {"number": r.question.number},
            {},
        ),
        *_changes(
            attachment_records,
            Attachment,
            ["original_name"],
            lambda r: f"{r.entry.initiative_code} {r.entry.initiative_title}",
            {},
            labels={"original_name": _("Bilag")},
        ),
    ]
    rows.sort(key=lambda item: item[0], reverse=True)
    return [row for _key, row in rows]


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
    rows = [
        *_changes(round_records, ReportingRound, ROUND_HISTORY_FIELDS, lambda r: _("Runden"), {}),
        *_changes(
            question_records,
            PoliticalQuestion,
            ["text"],
            lambda r: _("Politisk spørgsmål %(number)s") % {"number": r.number},
            {},
        ),
    ]
    rows.sort(key=lambda item: item[0], reverse=True)
    return [row for key, row in rows if since is not None and key[0] > since]


class _SetNames(dict):
    """Turns a set of method ids into their names, for the methods row."""

    def get(self, value, default=None):
        return ", ".join(sorted(dict.get(self, v, str(v)) for v in value))


def _methods_through():
    return ReportEntry.history.model._meta.get_field("historicalreportentry_methods").related_model

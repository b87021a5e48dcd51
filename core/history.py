"""History pages' rows from django-simple-history records: one row per changed field.

Shared by apps whose pages show a history (`templates/_history_table.html`): give the records
of one model, the fields to show and how to name the changed thing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

Change = tuple[str, Any, Any]


@dataclass
class HistoryRow:
    at: datetime.datetime
    who: str
    subject: str
    field: str
    old: str
    new: str
    # The record the row comes from (model name, history id): rows of one moment keep a fixed
    # order, and the rows of one record stay together in the order of its fields.
    source: tuple[str, int] = ("", 0)


def history_who(record: Any) -> str:
    """Who made the change a history record keeps."""
    user = record.history_user
    if user is not None:
        return user.get_full_name() or user.email
    # A change no person made, such as a line the portal copied from an earlier round when
    # the round opened, names its reason ("Overført fra …").
    reason = record.history_change_reason
    return _("Portalen – %(reason)s") % {"reason": reason} if reason else ""


def _text(
    model: type[models.Model], name: str, value: Any, show: Callable[[Any], str] | None
) -> str:
    if value in (None, ""):
        return ""
    if show is not None:
        return show(value)
    model_field = cast(models.Field, model._meta.get_field(name))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "j. F Y")
    return str(value)


def history_rows(
    records: Iterable[Any],
    model: type[models.Model],
    fields: list[str] | tuple[str, ...],
    subject: Callable[[Any], str],
    *,
    shown: dict[str, Callable[[Any], str]] | None = None,
    labels: dict[str, str] | None = None,
    more_changes: Callable[[Any | None, Any], list[Change]] | None = None,
) -> list[HistoryRow]:
    """The values a row was made with, each later change, and the values it had when it was
    deleted; `shown` turns a field's raw value (an id, say) into words, `labels` names a field
    otherwise than its verbose name, and `more_changes(before, record)` adds changes the
    record's own fields do not hold (a many-to-many field's, say)."""
    rows = []
    # A foreign key's id (its attname), as diff_against gives it on a change, not the object it
    # names (a query per record, and a value `shown` does not expect).
    attnames = {f: cast(models.Field, model._meta.get_field(f)).attname for f in fields}
    previous: dict[int, Any] = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        previous[record.id] = record
        changes: list[Change]
        if record.history_type == "-":
            changes = [(f, getattr(record, attnames[f]), None) for f in fields]
        elif before is None:
            changes = [(f, None, getattr(record, attnames[f])) for f in fields]
        else:
            delta = record.diff_against(before, included_fields=list(fields))
            changes = sorted(
                ((c.field, c.old, c.new) for c in delta.changes), key=lambda c: fields.index(c[0])
            )
        if more_changes:
            changes += more_changes(before, record)
        who = history_who(record)
        for name, old, new in changes:
            show = (shown or {}).get(name)
            old_text = _text(model, name, old, show)
            new_text = _text(model, name, new, show)
            if old_text == new_text:
                continue
            label = (labels or {}).get(name) or cast(
                models.Field, model._meta.get_field(name)
            ).verbose_name
            rows.append(
                HistoryRow(
                    record.history_date,
                    who,
                    subject(record),
                    str(label),
                    old_text,
                    new_text,
                    (model._meta.model_name or "", record.history_id),
                )
            )
    return rows


def newest_first(rows: Iterable[HistoryRow]) -> list[HistoryRow]:
    return sorted(rows, key=lambda row: (row.at, row.source), reverse=True)

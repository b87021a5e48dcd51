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


@dataclass
class HistoryRow:
    at: datetime.datetime
    who: str
    subject: str
    field: str
    old: str
    new: str


def _display(model: type[models.Model], name: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    model_field = cast(models.Field, model._meta.get_field(name))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "j. F Y")
    return str(value)


def history_rows(
    records: Iterable[Any],
    model: type[models.Model],
    fields: list[str],
    subject: Callable[[Any], str],
    *,
    shown: dict[str, Callable[[Any], str]] | None = None,
) -> list[HistoryRow]:
    """The values a row was made with, each later change, and the values it had when it was
    deleted; `shown` turns a field's raw value (an id, say) into words."""
    rows = []
    previous: dict[int, Any] = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "-":
            changes = [(f, getattr(record, f), None) for f in fields]
        elif before is None:
            changes = [(f, None, getattr(record, f)) for f in fields]
        else:
            delta = record.diff_against(before, included_fields=fields)
            changes = sorted(
                ((c.field, c.old, c.new) for c in delta.changes), key=lambda c: fields.index(c[0])
            )
        user = record.history_user
        who = (user.get_full_name() or user.email) if user else ""
        for name, old, new in changes:
            show = (shown or {}).get(name)
            old_text = show(old) if show else _display(model, name, old)
            new_text = show(new) if show else _display(model, name, new)
            if old_text == new_text:
                continue
            label = cast(models.Field, model._meta.get_field(name)).verbose_name
            rows.append(
                HistoryRow(
                    record.history_date, who, subject(record), str(label), old_text, new_text
                )
            )
    return rows


def newest_first(rows: Iterable[HistoryRow]) -> list[HistoryRow]:
    return sorted(rows, key=lambda row: row.at, reverse=True)

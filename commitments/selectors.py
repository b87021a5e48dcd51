"""Reads that shape a framework for its pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commitments.models import (
    Framework,
    Initiative,
    InitiativeBlock,
    Method,
    OverarchingGoal,
    StrategicArea,
)


@dataclass
class BlockView:
    block: InitiativeBlock
    mandatory: list[Initiative] = field(default_factory=list)
    pilots: list[Initiative] = field(default_factory=list)


@dataclass
class AreaView:
    area: StrategicArea
    blocks: list[BlockView]

    @property
    def initiative_count(self) -> int:
        return sum(len(b.mandatory) + len(b.pilots) for b in self.blocks)


def framework_structure(*, framework: Framework) -> list[AreaView]:
    """The framework's areas, each with its blocks and their mandatory and pilot initiatives."""
    initiatives = (
        Initiative.objects.order_by("order").select_related("framework").prefetch_related("methods")
    )
    blocks = InitiativeBlock.objects.order_by("number").prefetch_related(
        Prefetch("initiatives", queryset=initiatives)
    )
    areas = (
        StrategicArea.objects.filter(framework=framework)
        .order_by("number")
        .prefetch_related(Prefetch("blocks", queryset=blocks))
    )
    result = []
    for area in areas:
        block_views = []
        for block in area.blocks.all():
            view = BlockView(block=block)
            for initiative in block.initiatives.all():
                target = view.mandatory if initiative.is_mandatory else view.pilots
                target.append(initiative)
            block_views.append(view)
        result.append(AreaView(area=area, blocks=block_views))
    return result


@dataclass
class HistoryRow:
    at: datetime.datetime
    who: str
    subject: str
    field: str
    old: str
    new: str


FRAMEWORK_HISTORY_FIELDS = [
    "status",
    "title",
    "subtitle",
    "introduction",
    "implementation_start",
    "implementation_end",
    "adopted_on",
    "adoption_decision",
    "adoption_url",
]


def _display(model, name: str, value) -> str:
    if value in (None, ""):
        return ""
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "j. F Y")
    return str(value)


def _rows(
    records, model, fields, subject, *, more=None, shown=None
) -> list[tuple[tuple, HistoryRow]]:
    """One row per changed field: the values a row was made with, each later change, and
    the values it had when it was deleted."""
    rows = []
    previous: dict[int, object] = {}
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
        if more:
            changes += more(before, record)
        user = record.history_user
        who = (user.get_full_name() or user.email) if user else ""
        for name, old, new in changes:
            show = (shown or {}).get(name) or (
                lambda value, name=name: _display(model, name, value)
            )
            old_text, new_text = show(old), show(new)
            if old_text == new_text:
                continue
            label = model._meta.get_field(name).verbose_name
            row = HistoryRow(
                record.history_date, who, subject(record), str(label), old_text, new_text
            )
            rows.append(((record.history_date, record.history_id), row))
    return rows


def framework_history(framework: Framework) -> list[HistoryRow]:
    """Every change to the framework, its goals, areas, blocks, methods and initiatives,
    newest first (seven queries, whatever the number of changes)."""
    area_records = list(
        StrategicArea.history.filter(framework_id=framework.pk).select_related("history_user")
    )
    area_ids = {record.id for record in area_records}
    area_numbers = {}
    for record in sorted(area_records, key=lambda r: (r.history_date, r.history_id)):
        area_numbers[record.id] = record.number
    method_records = list(
        Method.history.filter(framework_id=framework.pk).select_related("history_user")
    )
    method_names = {record.id: record.name for record in method_records}
    initiative_records = list(
        Initiative.history.filter(framework_id=framework.pk).select_related("history_user")
    )
    through = Initiative.history.model._meta.get_field("historicalinitiative_methods").related_model
    methods_by_record: dict[int, set[int]] = {}
    for history_id, method_id in through.objects.filter(
        history__framework_id=framework.pk
    ).values_list("history_id", "method_id"):
        methods_by_record.setdefault(history_id, set()).add(method_id)

    def methods_changed(before, record):
        old = methods_by_record.get(before.history_id, set()) if before else set()
        new = methods_by_record.get(record.history_id, set())
        if old == new:
            return []
        return [("methods", old, new)]

    def names(ids) -> str:
        return ", ".join(sorted(method_names.get(pk, str(pk)) for pk in ids or ()))

    rows = [
        *_rows(
            initiative_records,
            Initiative,
            ["code", "kind", "title", "text", "order"],
            lambda r: _("Indsats %(code)s") % {"code": r.code},
            more=methods_changed,
            shown={"methods": names},
        ),
        *_rows(
            framework.history.select_related("history_user"),
            Framework,
            FRAMEWORK_HISTORY_FIELDS,
            lambda r: _("Rammepapiret"),
        ),
        *_rows(
            OverarchingGoal.history.filter(framework_id=framework.pk).select_related(
                "history_user"
            ),
            OverarchingGoal,
            ["number", "text"],
            lambda r: _("Overordnet målsætning %(number)s") % {"number": r.number},
        ),
        *_rows(
            area_records,
            StrategicArea,
            ["number", "title", "description"],
            lambda r: _("Område %(number)s") % {"number": r.number},
        ),
        *_rows(
            InitiativeBlock.history.filter(area_id__in=area_ids).select_related("history_user"),
            InitiativeBlock,
            ["number", "title"],
            lambda r: _("Blok i område %(number)s") % {"number": area_numbers.get(r.area_id, "")},
        ),
        *_rows(
            method_records,
            Method,
            ["name", "description"],
            lambda r: _("Metode %(name)s") % {"name": r.name},
        ),
    ]
    rows.sort(key=lambda item: item[0], reverse=True)
    return [row for _key, row in rows]

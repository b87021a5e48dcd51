"""Framework files: one JSON document with a framework's goals, areas, blocks, initiatives and
methods, so that a KKR can copy and adapt another KKR's paper (docs/framework-files.md).

`framework_file_data` writes the document; `parse_framework_file` reads one back and reports
every fault with the path of the element it is in, counted from 1 as a reader counts
("områder[2].indsatser[4].kode: mangler"). The import itself is
`commitments.services.files.framework_import`; it also resolves a version 2 file's links to
the framework it revises (`revision_af`) and each initiative's predecessor (`forgænger`),
which need the database.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from commitments.models import INITIATIVE_CODE_PATTERN, Framework, Initiative

FORMAT = "psykiatriportalen-rammepapir"
VERSION = 2
# Version 1 had no links between revisions; its files still import.
READABLE_VERSIONS = (1, 2)
KINDS: dict[str, str] = {
    "forpligtende": Initiative.Kind.MANDATORY,
    "pilotprojekt": Initiative.Kind.PILOT,
}
KIND_NAMES: dict[str, str] = {value: name for name, value in KINDS.items()}
# An initiative's relation to its predecessor; a new initiative has no `forgænger`.
RELATIONS: dict[str, str] = {
    "uændret": Initiative.Relation.SAME,
    "omformuleret": Initiative.Relation.REWORDED,
    "delt": Initiative.Relation.SPLIT,
}
RELATION_NAMES: dict[str, str] = {value: name for name, value in RELATIONS.items()}
# Files larger than this are refused before they are read; the seed-004 paper is ~40 kB.
MAX_FILE_BYTES = 2 * 1024 * 1024


def framework_file_data(framework: Framework) -> dict[str, Any]:
    """The framework as the file's document (in the order its page shows it)."""
    methods = list(framework.methods.order_by("name"))
    initiatives: dict[int, list[Initiative]] = {}
    for initiative in (
        Initiative.objects.filter(framework=framework)
        .in_display_order()
        .select_related("predecessor")
        .prefetch_related("methods")
    ):
        initiatives.setdefault(initiative.block_id, []).append(initiative)

    def initiative_data(initiative: Initiative) -> dict[str, Any]:
        return {
            "kode": initiative.code,
            "type": KIND_NAMES[initiative.kind],
            "titel": initiative.title,
            "tekst": initiative.text,
            "metoder": sorted(m.name for m in initiative.methods.all()),
            "forgænger": (
                {
                    "kode": initiative.predecessor.code,
                    "relation": RELATION_NAMES[initiative.relation],
                }
                if initiative.predecessor is not None
                else None
            ),
        }

    areas = []
    for area in framework.areas.order_by("number").prefetch_related("blocks"):
        blocks = sorted(area.blocks.all(), key=lambda b: b.number)
        main, further = blocks[0], blocks[1:]
        areas.append(
            {
                "titel": area.title,
                "beskrivelse": area.description,
                "indsatser": [initiative_data(i) for i in initiatives.get(main.pk, [])],
                "blokke": [
                    {
                        "titel": block.title,
                        "indsatser": [initiative_data(i) for i in initiatives.get(block.pk, [])],
                    }
                    for block in further
                ],
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "titel": framework.title,
        "revision_af": framework.revision_of.slug if framework.revision_of else None,
        "undertitel": framework.subtitle,
        "indledning": framework.introduction,
        "implementering": {
            "fra": framework.implementation_start,
            "til": framework.implementation_end,
        },
        "målsætninger": [goal.text for goal in framework.goals.order_by("number")],
        "metoder": [{"navn": m.name, "beskrivelse": m.description} for m in methods],
        "områder": areas,
    }


def framework_file_bytes(framework: Framework) -> bytes:
    return (
        json.dumps(framework_file_data(framework), ensure_ascii=False, indent=2) + "\n"
    ).encode()


# --- reading a file back --------------------------------------------------------------------


@dataclass
class InitiativeData:
    code: str
    kind: str
    title: str
    text: str
    methods: list[str]
    # Where it is in the file ("områder[2].indsatser[4]"), for the faults the import finds.
    path: str = ""
    # The predecessor's code in the framework named by `revision_af`, and the relation.
    predecessor: tuple[str, str] | None = None


@dataclass
class BlockData:
    title: str
    initiatives: list[InitiativeData]


@dataclass
class AreaData:
    title: str
    description: str
    blocks: list[BlockData]  # the main block first


@dataclass
class FrameworkData:
    title: str
    subtitle: str
    introduction: str
    implementation_start: int | None
    implementation_end: int | None
    goals: list[str]
    methods: list[tuple[str, str]]
    areas: list[AreaData]
    # The slug of the framework this one revises (version 2's `revision_af`).
    revision_of: str | None = None

    @property
    def initiatives(self) -> list[InitiativeData]:
        return [i for area in self.areas for block in area.blocks for i in block.initiatives]


class FrameworkFileError(Exception):
    """The file's faults, each 'path: what is wrong'."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class _Reader:
    errors: list[str] = field(default_factory=list)

    def fault(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}" if path else message)

    def member(self, obj: dict, path: str, key: str, kind: type, *, required: bool = True):
        where = f"{path}.{key}" if path else key
        if key not in obj or obj[key] is None:
            if required:
                self.fault(where, _("mangler"))
            return None
        value = obj[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.fault(where, _("skal være et helt tal"))
            return None
        if kind is str and not isinstance(value, str):
            self.fault(where, _("skal være en tekst"))
            return None
        if kind is list and not isinstance(value, list):
            self.fault(where, _("skal være en liste"))
            return None
        if kind is dict and not isinstance(value, dict):
            self.fault(where, _("skal være et objekt"))
            return None
        return value

    def text(self, obj: dict, path: str, key: str, *, required: bool = True, max_length=None):
        value = self.member(obj, path, key, str, required=required)
        if value is None:
            return ""
        where = f"{path}.{key}" if path else key
        if required and not value.strip():
            self.fault(where, _("mangler"))
        elif max_length and len(value) > max_length:
            self.fault(where, _("må højst være %(count)d tegn lang") % {"count": max_length})
        return value

    def objects(self, obj: dict, path: str, key: str) -> list[tuple[str, dict]]:
        items = self.member(obj, path, key, list)
        result = []
        for number, item in enumerate(items or [], start=1):
            where = f"{path}.{key}[{number}]" if path else f"{key}[{number}]"
            if isinstance(item, dict):
                result.append((where, item))
            else:
                self.fault(where, _("skal være et objekt"))
        return result


def _field_length(model_field: str) -> int | None:
    return Framework._meta.get_field(model_field).max_length  # type: ignore[union-attr]


def parse_framework_file(content: bytes) -> FrameworkData:
    """The framework a file describes; raises FrameworkFileError with every fault found."""
    if len(content) > MAX_FILE_BYTES:
        raise FrameworkFileError([_("Filen er for stor (højst 2 MB).")])
    try:
        document = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise FrameworkFileError([_("Filen er ikke tekst i UTF-8.")]) from error
    except json.JSONDecodeError as error:
        raise FrameworkFileError(
            [
                _("Filen er ikke gyldig JSON (linje %(line)d, kolonne %(column)d).")
                % {"line": error.lineno, "column": error.colno}
            ]
        ) from error
    if not isinstance(document, dict):
        raise FrameworkFileError([_("Filen skal indeholde ét JSON-objekt.")])
    reader = _Reader()
    if document.get("format") != FORMAT:
        reader.fault("format", _("skal være “%(format)s”") % {"format": FORMAT})
    version = document.get("version")
    if version not in READABLE_VERSIONS:
        reader.fault("version", _("skal være 1 eller %(version)d") % {"version": VERSION})
    revision_of = None
    if version == VERSION:
        revision_of = reader.text(document, "", "revision_af", required=False, max_length=80)
    title = reader.text(document, "", "titel", max_length=_field_length("title"))
    subtitle = reader.text(
        document, "", "undertitel", required=False, max_length=_field_length("subtitle")
    )
    introduction = reader.text(document, "", "indledning", required=False)
    start = end = None
    period = reader.member(document, "", "implementering", dict, required=False)
    if period is not None:
        start = reader.member(period, "implementering", "fra", int, required=False)
        end = reader.member(period, "implementering", "til", int, required=False)
        if start is not None and end is not None and end < start:
            reader.fault("implementering.til", _("må ikke ligge før “fra”"))
    goals = []
    for number, goal in enumerate(reader.member(document, "", "målsætninger", list) or [], 1):
        if not isinstance(goal, str) or not goal.strip():
            reader.fault(f"målsætninger[{number}]", _("skal være en tekst"))
        else:
            goals.append(goal)
    methods: list[tuple[str, str]] = []
    for where, item in reader.objects(document, "", "metoder"):
        name = reader.text(item, where, "navn", max_length=150)
        description = reader.text(item, where, "beskrivelse", required=False)
        if name and name in {n for n, _d in methods}:
            reader.fault(f"{where}.navn", _("“%(name)s” står der allerede") % {"name": name})
        methods.append((name, description))
    method_names = {name for name, _d in methods}
    codes: set[str] = set()

    def initiatives(obj: dict, path: str, prefix: str) -> list[InitiativeData]:
        result = []
        for where, item in reader.objects(obj, path, "indsatser"):
            code = reader.text(item, where, "kode", max_length=20)
            kind_name = reader.text(item, where, "type")
            kind = KINDS.get(kind_name)
            if kind_name and kind is None:
                reader.fault(f"{where}.type", _("skal være “forpligtende” eller “pilotprojekt”"))
            if code:
                letter = "F" if kind == Initiative.Kind.MANDATORY else "P"
                if not re.match(INITIATIVE_CODE_PATTERN, code) or "\n" in code:
                    reader.fault(
                        f"{where}.kode", _("“%(code)s” er ikke en kode som 1.F2") % {"code": code}
                    )
                elif kind and not code.startswith(f"{prefix}.{letter}"):
                    reader.fault(
                        f"{where}.kode",
                        _("skal begynde med %(prefix)s") % {"prefix": f"{prefix}.{letter}"},
                    )
                elif code in codes:
                    reader.fault(
                        f"{where}.kode", _("“%(code)s” står der allerede") % {"code": code}
                    )
                codes.add(code)
            title = reader.text(item, where, "titel", max_length=200)
            text = reader.text(item, where, "tekst")
            names = reader.member(item, where, "metoder", list, required=False) or []
            for number, name in enumerate(names, start=1):
                if name not in method_names:
                    reader.fault(
                        f"{where}.metoder[{number}]",
                        _("“%(name)s” står ikke under metoder") % {"name": name},
                    )
            predecessor = None
            link = (
                reader.member(item, where, "forgænger", dict, required=False)
                if version == VERSION
                else None
            )
            if link is not None:
                link_where = f"{where}.forgænger"
                link_code = reader.text(link, link_where, "kode", max_length=20)
                relation_name = reader.text(link, link_where, "relation")
                relation = RELATIONS.get(relation_name)
                if relation_name and relation is None:
                    reader.fault(
                        f"{link_where}.relation",
                        _("skal være “uændret”, “omformuleret” eller “delt”"),
                    )
                if not revision_of:
                    reader.fault(link_where, _("kræver, at filen angiver revision_af"))
                if link_code and relation:
                    predecessor = (link_code, relation)
            result.append(
                InitiativeData(code, kind or "", title, text, list(names), where, predecessor)
            )
        return result

    areas = []
    for number, (where, item) in enumerate(reader.objects(document, "", "områder"), start=1):
        area_title = reader.text(item, where, "titel", max_length=255)
        description = reader.text(item, where, "beskrivelse", required=False)
        blocks = [BlockData("", initiatives(item, where, str(number)))]
        block_items = reader.objects(item, where, "blokke") if "blokke" in item else []
        for block_number, (block_where, block) in enumerate(block_items, start=2):
            block_title = reader.text(block, block_where, "titel", max_length=255)
            letter = chr(ord("a") + block_number - 1)
            blocks.append(
                BlockData(block_title, initiatives(block, block_where, f"{number}{letter}"))
            )
        areas.append(AreaData(area_title, description, blocks))
    if reader.errors:
        raise FrameworkFileError(reader.errors)
    return FrameworkData(
        title=title,
        subtitle=subtitle,
        introduction=introduction,
        implementation_start=start,
        implementation_end=end,
        goals=goals,
        methods=methods,
        areas=areas,
        revision_of=revision_of or None,
    )

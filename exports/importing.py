"""Reading a spreadsheet of answers and planning what its import would change (the dry run).

`read_table` turns the bytes of a CSV or XLSX file into rows of values by column, or refuses
the whole file with Danish messages (empty, unreadable, too large, a zip bomb, merged cells,
formulas, unknown or missing columns). `plan_import` compares every row with the round's
entries and gives each row its outcome: new, changed (old → new), unchanged, or errors by
column. Nothing here writes; `exports.services` stores the file and confirms the plan.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

from defusedxml.ElementTree import iterparse as defused_iterparse
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from commitments.models import Initiative
from exports import columns as c
from exports.spreadsheets import FORMULA_STARTS
from municipalities.models import Municipality
from reporting.models import Report, ReportEntry, ReportingRound
from reporting.services.imports import ImportedEntry

MAX_BYTES = 5 * 1024 * 1024
# A round has at most 98 municipalities × about 60 initiatives: 10,000 rows is ample.
MAX_ROWS = 10_000
# An .xlsx is a zip archive: its members are checked before openpyxl unpacks anything.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
EXTENSIONS = (".csv", ".xlsx")
SHOWN_PROBLEMS = 5

Outcome = Literal["new", "changed", "unchanged", "error"]


def _normalised(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split()).casefold()


def _header_names() -> dict[str, c.Column]:
    """Every header the import knows, in Danish and in English, normalised -> column."""
    names = {}
    for language in ("da", "en"):
        with translation.override(language):
            for column in [*c.IMPORT_COLUMNS, *c.IMPORT_IGNORED]:
                names[_normalised(str(column.header))] = column
    return names


@dataclass
class Table:
    """A file's rows: (row number as the spreadsheet shows it, values by column key)."""

    columns: list[str]
    rows: list[tuple[int, dict[str, object]]]


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ValidationError(problems)


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise ValidationError(
            _(
                "Filen er ikke gemt som UTF-8 eller Windows-1252 (den ligner UTF-16, "
                "»Unicode-tekst«). Gem den i Excel som »CSV UTF-8 (kommasepareret)«, og prøv igen."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Danish Excel's "CSV (semikolonsepareret)" is Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "Filen kan ikke læses: tegnene er hverken UTF-8 eller Windows-1252. Gem den i "
                "Excel som »CSV UTF-8 (kommasepareret)« eller som Excel-projektmappe (.xlsx)."
            )
        ) from None


def _delimiter(first_line: str, names: dict[str, c.Column]) -> str:
    """The separator that splits the header into the most known column names."""

    def known(separator: str) -> tuple[int, int]:
        parts = first_line.split(separator)
        return sum(1 for part in parts if _normalised(part) in names), len(parts)

    return ";" if known(";") > known(",") else ","


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("Filen har mere end %(max)s rækker. Del den op, eller importér én runde ad gangen.")
        % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
    )


def _csv_rows(data: bytes, names: dict[str, c.Column]) -> list[tuple[int, list[object]]]:
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line, names))
    rows: list[tuple[int, list[object]]] = []
    try:
        for number, values in enumerate(reader, start=1):
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            rows.append((number, list(values)))
    except csv.Error as error:
        raise ValidationError(
            _("Filen kan ikke læses som CSV (række %(row)s): %(error)s")
            % {"row": reader.line_num, "error": error}
        ) from None
    return rows


def _check_zip(data: bytes) -> None:
    """Refuse an archive that would unpack to far more than its size (a zip bomb) before
    openpyxl opens it. The declared sizes can be trusted: Python's zipfile never unpacks a
    member beyond its declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise ValidationError(
            _("Filen er ikke en gyldig Excel-projektmappe (.xlsx). Gem den igen fra Excel.")
        ) from None
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _(
                "Filen fylder over %(max)s MB, når den pakkes ud, og bliver ikke åbnet. "
                "En almindelig regnearksfil med svar fylder langt mindre."
            )
            % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _open_workbook(data: bytes, *, read_only: bool) -> tuple[Workbook, str]:
    """The workbook and the title of the sheet to read: "Indsatser" (as the export names it)
    if there is one, else the first. defusedxml is installed, so openpyxl parses the XML with
    it (no entity expansion attacks)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=read_only, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(
            _("Filen kan ikke åbnes som Excel-projektmappe (.xlsx). Gem den igen fra Excel.")
        ) from None
    titles = {_normalised(title): title for title in workbook.sheetnames}
    wanted = []
    for language in ("da", "en"):
        with translation.override(language):
            wanted.append(_normalised(_("Indsatser")))
    return workbook, next((titles[t] for t in wanted if t in titles), workbook.sheetnames[0])


def _mentions_merged_cells(workbook: Workbook, sheet: ReadOnlyWorksheet) -> bool:
    """Whether the sheet's XML contains the word at all: a search of the unpacked bytes in
    pieces, far cheaper than parsing (a 5,880-row sheet took 2.7 s to parse for nothing)."""
    tag = b"mergeCell"
    tail = b""
    with workbook._archive.open(sheet._worksheet_path) as source:
        while piece := source.read(1024 * 1024):
            if tag in tail + piece:
                return True
            tail = piece[-len(tag) :]
    return False


def _merged_cells(workbook: Workbook, sheet: ReadOnlyWorksheet) -> list[str]:
    """The sheet's merged ranges. A read-only sheet does not parse them, so its XML member is
    scanned for them with defusedxml (the sheet's path is openpyxl's, pinned in
    pyproject.toml), if it mentions them at all."""
    merged: list[str] = []
    if not _mentions_merged_cells(workbook, sheet):
        return merged
    with workbook._archive.open(sheet._worksheet_path) as source:
        for _event, element in defused_iterparse(source, events=("start",)):
            if element.tag.endswith("}mergeCell"):
                merged.append(element.get("ref", ""))
    return merged


def _xlsx_rows(data: bytes) -> list[tuple[int, list[object]]]:
    _check_zip(data)
    # Read-only: rows are parsed lazily, so reading stops at the row limit, and a 5,880-row
    # sheet is read once (a full load costs as much again).
    workbook, title = _open_workbook(data, read_only=True)
    try:
        sheet = workbook[title]
        rows: list[tuple[int, list[object]]] = []
        formulas: list[str] = []
        for cells in sheet.iter_rows():
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            values: list[object] = []
            for cell in cells:
                if cell.data_type == "f":
                    formulas.append(cell.coordinate)
                values.append(cell.value)
            # A blank row is all EmptyCells, which have no row number.
            number = next((cell.row for cell in cells if hasattr(cell, "row")), None)
            if number is not None:
                rows.append((number, values))
        merged = _merged_cells(workbook, sheet)
    finally:
        workbook.close()
    problems = []
    if merged:
        problems.append(
            _("Arket »%(sheet)s« har flettede celler (%(cells)s). Ophæv fletningen, og prøv igen.")
            % {"sheet": title, "cells": ", ".join(merged[:SHOWN_PROBLEMS])}
        )
    if formulas:
        problems.append(
            ngettext(
                "Cellen %(cells)s indeholder en formel. Importen læser kun værdier: kopiér "
                "cellerne, og indsæt dem som værdier.",
                "Cellerne %(cells)s indeholder formler. Importen læser kun værdier: kopiér "
                "cellerne, og indsæt dem som værdier.",
                len(formulas),
            )
            % {"cells": ", ".join(formulas[:SHOWN_PROBLEMS]) + ("…" if len(formulas) > 5 else "")}
        )
    _refuse(problems)
    return rows


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_columns(
    header: list[object], names: dict[str, c.Column]
) -> tuple[dict[int, c.Column], list[str]]:
    """Column index -> known column, and the problems with the header."""
    problems: list[str] = []
    found: dict[int, c.Column] = {}
    known = [str(col.header) for col in [*c.IMPORT_COLUMNS, *c.IMPORT_IGNORED]]
    for index, value in enumerate(header):
        if _is_blank(value):
            continue
        text = str(value).strip()
        column = names.get(_normalised(text))
        if column is None:
            close = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
            if close:
                problems.append(
                    _("Kolonnen »%(column)s« kendes ikke. Mente du »%(suggestion)s«?")
                    % {"column": text, "suggestion": close[0]}
                )
            else:
                problems.append(
                    _("Kolonnen »%(column)s« kendes ikke. Importen læser: %(known)s.")
                    % {
                        "column": text,
                        "known": ", ".join(str(col.header) for col in c.IMPORT_COLUMNS),
                    }
                )
        elif column in found.values():
            problems.append(_("Kolonnen »%(column)s« står der to gange.") % {"column": text})
        else:
            found[index] = column
    for column in c.IMPORT_REQUIRED:
        if column not in found.values():
            problems.append(_("Kolonnen »%(column)s« mangler.") % {"column": column.header})
    if found and not any(col in found.values() for col in c.IMPORT_ANSWERS):
        problems.append(
            _("Filen har ingen kolonne med svar. Tilføj mindst én af: %(columns)s.")
            % {"columns": ", ".join(str(col.header) for col in c.IMPORT_ANSWERS)}
        )
    return found, problems


def read_table(name: str, data: bytes) -> Table:
    """The rows of an uploaded CSV or XLSX file, or a ValidationError with every problem that
    stops the whole file (nothing of a refused file is ever read further)."""
    lower = name.lower()
    if not lower.endswith(EXTENSIONS):
        raise ValidationError(
            _("Vælg en CSV-fil eller en Excel-projektmappe (.xlsx), ikke »%(name)s«.")
            % {"name": name}
        )
    if not data:
        raise ValidationError(_("Filen er tom."))
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("Filen er større end %(max)s MB.") % {"max": MAX_BYTES // (1024 * 1024)}
        )
    names = _header_names()
    raw = _csv_rows(data, names) if lower.endswith(".csv") else _xlsx_rows(data)
    raw = [(n, values) for n, values in raw if not all(map(_is_blank, values))]
    if not raw:
        raise ValidationError(_("Filen er tom."))
    _header_number, header = raw[0]
    found, problems = _header_columns(header, names)
    _refuse(problems)
    read = {i: column for i, column in found.items() if column in c.IMPORT_COLUMNS}
    rows = []
    for number, values in raw[1:]:
        extra = [v for i, v in enumerate(values) if i not in found and i >= len(header)]
        if any(not _is_blank(v) for v in extra):
            problems.append(
                _("Række %(row)s har flere celler end der er overskrifter.") % {"row": number}
            )
            continue
        rows.append((number, {read[i].key: v for i, v in enumerate(values) if i in read}))
    if len(rows) > MAX_ROWS:
        raise _too_many_rows()
    _refuse(problems[:SHOWN_PROBLEMS])
    if not rows:
        raise ValidationError(_("Filen har ingen rækker under overskrifterne."))
    return Table(columns=[col.key for col in read.values()], rows=rows)


# --- the dry run ------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class RowOutcome:
    number: int
    municipality: str
    initiative: str
    outcome: Outcome = "unchanged"
    changes: list[Change] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    overwrites_approved: bool = False
    entry_id: int | None = None
    values: dict[str, object] = field(default_factory=dict)
    expected: dict[str, object] = field(default_factory=dict)

    def error(self, column: c.Column | None, message: str) -> None:
        self.errors.append((str(column.header) if column else "", message))
        self.outcome = "error"


@dataclass
class Preview:
    rows: list[RowOutcome]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("new", "changed", "unchanged", "error"), 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def errors(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome == "error"]

    @property
    def writes(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome in ("new", "changed")]

    @property
    def can_confirm(self) -> bool:
        return not self.errors and bool(self.writes)

    def entries(self) -> list[ImportedEntry]:
        return [
            ImportedEntry(entry_id=row.entry_id, values=row.values, expected=row.expected)
            for row in self.writes
            if row.entry_id is not None
        ]

    @property
    def digest(self) -> str:
        """What confirming would write, and over what: equal digests, equal imports."""
        plan = [(r.entry_id, r.values, r.expected) for r in self.writes]
        return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()


def _text(value: object) -> str:
    """A cell as text: whole numbers without ".0", and our own export's apostrophe before
    formula-like text taken off again (exports.spreadsheets)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if value is not None else ""
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def _municipality_code(value: object) -> str:
    text = _text(value)
    return text.zfill(3) if text.isdigit() else text


def _choices(choices: Sequence[tuple[object, object]]) -> dict[str, object]:
    """Normalised value or label, in Danish or English -> the value."""
    names: dict[str, object] = {}
    for language in ("da", "en"):
        with translation.override(language):
            for value, label in choices:
                names[_normalised(str(value))] = value
                names[_normalised(str(label))] = value
    return names


_MISSING = object()


def _level(row: RowOutcome, values: dict[str, object], levels: dict[str, object]) -> int | None:
    """The level from "Status (0-4)" and/or "Status"; None when both are blank."""
    number_text, label_text = _text(values.get("level")), _text(values.get("level_label"))
    level = None
    if number_text:
        if number_text.isdigit() and 0 <= int(number_text) <= 4:
            level = int(number_text)
        else:
            row.error(
                c.LEVEL,
                _("Status skal være et helt tal fra 0 til 4, ikke »%(value)s«.")
                % {"value": number_text},
            )
            return None
    if label_text:
        by_label = levels.get(_normalised(label_text), _MISSING)
        if by_label is _MISSING:
            row.error(
                c.LEVEL_LABEL,
                _("»%(value)s« er ikke en status. Brug: %(labels)s.")
                % {
                    "value": label_text,
                    "labels": ", ".join(
                        str(label) for label in ReportEntry.ImplementationStatus.labels
                    ),
                },
            )
            return None
        if level is not None and level != by_label:
            row.error(
                c.LEVEL_LABEL,
                _("Status (0-4) er %(number)s, men Status er »%(label)s«. Ret den ene.")
                % {"number": level, "label": label_text},
            )
            return None
        level = cast(int, by_label)
    return level


def _display(name: str, value: object) -> str:
    if value in (None, ""):
        return "–"
    if name == "status":
        return f"{value} – {ReportEntry.ImplementationStatus(int(str(value))).label}"
    if name == "participation":
        return str(ReportEntry.Participation(str(value)).label)
    return Truncator(str(value)).chars(80)


_FIELD_LABELS = {
    "status": c.LEVEL,
    "participation": c.PARTICIPATION,
    "narrative": c.NARRATIVE,
    "next_steps": c.NEXT_STEPS,
}


def _answer_values(
    row: RowOutcome, values: dict[str, object], kind: str, choices: dict[str, dict[str, object]]
) -> dict[str, object]:
    """The answers the row gives (blank cells change nothing), checked for the kind."""
    given: dict[str, object] = {}
    level = _level(row, values, choices["level"])
    participation_text = _text(values.get("participation"))
    if kind == Initiative.Kind.MANDATORY:
        if participation_text:
            row.error(
                c.PARTICIPATION,
                _("Indsatsen er forpligtende: deltagelse angives kun for pilotindsatser."),
            )
        if level is not None:
            given["status"] = level
    else:
        if level is not None:
            row.error(
                c.LEVEL,
                _(
                    "Indsatsen er en pilotindsats: angiv kommunens deltagelse i kolonnen "
                    "Deltagelse, ikke en status."
                ),
            )
        if participation_text:
            value = choices["participation"].get(_normalised(participation_text), _MISSING)
            if value is not _MISSING:
                given["participation"] = value
            else:
                row.error(
                    c.PARTICIPATION,
                    _("»%(value)s« er ikke en deltagelse. Brug: %(labels)s.")
                    % {
                        "value": participation_text,
                        "labels": ", ".join(
                            str(label) for label in ReportEntry.Participation.labels
                        ),
                    },
                )
    for name in ("narrative", "next_steps"):
        text = _text(values.get(name))
        if text:
            given[name] = text
    return given


def plan_import(*, round_: ReportingRound, table: Table, overwrite_approved: bool) -> Preview:
    """Every row's outcome if the file were imported into the round now (two queries)."""
    municipalities = {
        code: (name, kkr_id, kkr_name)
        for code, name, kkr_id, kkr_name in Municipality.objects.values_list(
            "code", "name", "kkr_id", "kkr__name"
        )
    }
    fields = ("status", "narrative", "next_steps", "participation")
    entries = {
        (m_code, i_code): (pk, report_status, kind, dict(zip(fields, answers, strict=True)))
        for pk, m_code, i_code, report_status, kind, *answers in ReportEntry.objects.filter(
            report__round=round_
        ).values_list(
            "pk",
            "report__municipality__code",
            "initiative_code",
            "report__status",
            "initiative_kind",
            *fields,
        )
    }
    initiative_codes = {i_code for _m, i_code in entries}
    choices = {
        "level": _choices(ReportEntry.ImplementationStatus.choices),
        "participation": _choices(ReportEntry.Participation.choices),
    }
    kkr_id, kkr_name = round_.framework.kkr_id, round_.framework.kkr.name
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for number, values in table.rows:
        m_code = _municipality_code(values.get("municipality_code"))
        i_code = _text(values.get("initiative_code"))
        known = municipalities.get(m_code)
        row = RowOutcome(
            number=number,
            municipality=f"{m_code} {known[0]}" if known else m_code,
            initiative=i_code,
        )
        rows.append(row)
        if not m_code:
            row.error(c.MUNICIPALITY_CODE, _("Kommunekoden mangler."))
        elif known is None:
            row.error(
                c.MUNICIPALITY_CODE,
                _("Der findes ingen kommune med koden »%(code)s«.") % {"code": m_code},
            )
        elif known[1] != kkr_id:
            row.error(
                c.MUNICIPALITY_CODE,
                _("%(name)s (%(code)s) hører til %(other)s, ikke %(kkr)s.")
                % {"name": known[0], "code": m_code, "other": known[2], "kkr": kkr_name},
            )
        if not i_code:
            row.error(c.INITIATIVE_CODE, _("Indsatskoden mangler."))
        elif i_code not in initiative_codes:
            row.error(
                c.INITIATIVE_CODE,
                _("Runden har ingen indsats med koden »%(code)s«.") % {"code": i_code},
            )
        if row.errors or known is None:
            continue
        key = (m_code, i_code)
        if key in seen:
            row.error(
                c.INITIATIVE_CODE,
                _("Samme kommune og indsats står allerede i række %(row)s.") % {"row": seen[key]},
            )
            continue
        seen[key] = number
        found = entries.get(key)
        if found is None:
            row.error(
                c.MUNICIPALITY_CODE,
                _("%(name)s har ingen rapport i runden.") % {"name": known[0]},
            )
            continue
        entry_id, report_status, kind, current = found
        given = _answer_values(row, values, kind, choices)
        if row.errors:
            continue
        changed = {name: value for name, value in given.items() if current[name] != value}
        if not changed:
            continue
        if report_status == Report.Status.APPROVED:
            if not overwrite_approved:
                row.error(
                    c.MUNICIPALITY_CODE,
                    _(
                        "Rapporten fra %(name)s er godkendt. Vælg »Overskriv godkendte "
                        "rapporter«, hvis den skal ændres."
                    )
                    % {"name": known[0]},
                )
                continue
            row.overwrites_approved = True
        row.entry_id = entry_id
        row.values = changed
        row.expected = {name: current[name] for name in changed}
        row.changes = [
            Change(
                str(_FIELD_LABELS[name].header), _display(name, current[name]), _display(name, v)
            )
            for name, v in changed.items()
        ]
        answered = any(current[name] not in (None, "") for name in fields)
        row.outcome = "changed" if answered else "new"
    return Preview(rows)

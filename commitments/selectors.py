"""Reads that shape a framework for its pages."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from commitments.models import (
    Framework,
    Initiative,
    InitiativeBlock,
    Method,
    OverarchingGoal,
    StrategicArea,
)
from core.history import HistoryRow, history_rows, newest_first


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
        Initiative.objects.order_by("order")
        .select_related("framework", "predecessor")
        .prefetch_related("methods")
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
    "revision_of",
]


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

    # The predecessors a revision's initiatives name, by code (one query, for revisions only).
    previous = framework.revision_of if framework.revision_of_id else None
    predecessor_codes = (
        dict(Initiative.objects.filter(framework=previous).values_list("pk", "code"))
        if previous is not None
        else {}
    )

    def predecessor(pk) -> str:
        return predecessor_codes.get(pk, str(pk)) if pk else ""

    def revised(pk) -> str:
        return previous.title if previous is not None and pk == previous.pk else ""

    return newest_first(
        [
            *history_rows(
                initiative_records,
                Initiative,
                ["code", "kind", "title", "text", "order", "predecessor", "relation"],
                lambda r: _("Indsats %(code)s") % {"code": r.code},
                more_changes=methods_changed,
                shown={"methods": names, "predecessor": predecessor},
            ),
            *history_rows(
                framework.history.select_related("history_user"),
                Framework,
                FRAMEWORK_HISTORY_FIELDS,
                lambda r: _("Rammepapiret"),
                shown={"revision_of": revised},
            ),
            *history_rows(
                OverarchingGoal.history.filter(framework_id=framework.pk).select_related(
                    "history_user"
                ),
                OverarchingGoal,
                ["number", "text"],
                lambda r: _("Overordnet målsætning %(number)s") % {"number": r.number},
            ),
            *history_rows(
                area_records,
                StrategicArea,
                ["number", "title", "description"],
                lambda r: _("Område %(number)s") % {"number": r.number},
            ),
            *history_rows(
                InitiativeBlock.history.filter(area_id__in=area_ids).select_related("history_user"),
                InitiativeBlock,
                ["number", "title"],
                lambda r: (
                    _("Blok i område %(number)s") % {"number": area_numbers.get(r.area_id, "")}
                ),
            ),
            *history_rows(
                method_records,
                Method,
                ["name", "description"],
                lambda r: _("Metode %(name)s") % {"name": r.name},
            ),
        ]
    )


# --- revisions (decision 27) ----------------------------------------------------------------

# A word diff as (kind, text) pieces: "equal", "del" (only in the old text) or "ins" (only in
# the new). Each word keeps the whitespace after it, so that the pieces joined give the text
# back and a changed word is one piece, not a word between two unchanged spaces.
Words = list[tuple[str, str]]
_TOKENS = re.compile(r"\S+\s*|\s+")


def _append(pieces: Words, kind: str, text: str) -> None:
    # A marked piece ends at its last word: the space after it is unchanged text.
    if kind != "equal" and (word := text.rstrip()) != text:
        _append(pieces, kind, word)
        kind, text = "equal", text[len(word) :]
    if pieces and pieces[-1][0] == kind:
        pieces[-1] = (kind, pieces[-1][1] + text)
    else:
        pieces.append((kind, text))


def word_diff(old: str, new: str) -> tuple[Words, Words]:
    """The old and the new text, each as pieces with the words the other lacks marked."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    old_words: Words = []
    new_words: Words = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(old_words, "equal", "".join(a[i1:i2]))
            _append(new_words, "equal", "".join(b[j1:j2]))
            continue
        if i2 > i1:
            _append(old_words, "del", "".join(a[i1:i2]))
        if j2 > j1:
            _append(new_words, "ins", "".join(b[j1:j2]))
    return old_words, new_words


@dataclass
class ChangedText:
    """A text of the earlier framework and the revision's, with the changed words marked."""

    label: str
    old: str
    new: str
    old_words: Words
    new_words: Words

    @classmethod
    def of(cls, label: str, old: str, new: str) -> ChangedText:
        return cls(label, old, new, *word_diff(old, new))


@dataclass
class InitiativePair:
    old: Initiative
    new: Initiative
    title: ChangedText
    text: ChangedText


@dataclass
class SplitInitiative:
    old: Initiative
    parts: list[Initiative]


@dataclass
class Comparison:
    """A revision against the framework it revises: what was added, dropped, reworded, split
    and left unchanged, and which goals and areas were renamed, added or removed."""

    revision: Framework
    previous: Framework
    added: list[Initiative]
    dropped: list[Initiative]
    reworded: list[InitiativePair]
    split: list[SplitInitiative]
    unchanged: list[Initiative]
    goals: list[ChangedText]
    areas: list[ChangedText]

    @property
    def has_changes(self) -> bool:
        return bool(
            self.added or self.dropped or self.reworded or self.split or self.goals or self.areas
        )


def _numbered_changes(label: str, old: dict[int, str], new: dict[int, str]) -> list[ChangedText]:
    """Per number, the old and the new text where they differ (an empty side: added or
    removed)."""
    return [
        ChangedText.of(label % {"number": number}, old.get(number, ""), new.get(number, ""))
        for number in sorted(old.keys() | new.keys())
        if old.get(number, "") != new.get(number, "")
    ]


def framework_comparison(*, revision: Framework) -> Comparison:
    """The revision against its predecessor (`revision.revision_of`) in six queries."""
    previous = revision.revision_of
    if previous is None:
        raise ValueError("framework_comparison needs a revision")
    new_initiatives = list(
        Initiative.objects.filter(framework=revision)
        .in_display_order()
        .select_related("framework", "predecessor__framework")
    )
    old_initiatives = list(
        Initiative.objects.filter(framework=previous).in_display_order().select_related("framework")
    )
    successors: dict[int, list[Initiative]] = defaultdict(list)
    for initiative in new_initiatives:
        if initiative.predecessor_id is not None:
            successors[initiative.predecessor_id].append(initiative)
    added, reworded, unchanged = [], [], []
    for initiative in new_initiatives:
        old = initiative.predecessor
        if old is None:
            added.append(initiative)
        elif initiative.relation == Initiative.Relation.SPLIT:
            continue
        elif (old.title, old.text) == (initiative.title, initiative.text):
            unchanged.append(initiative)
        else:
            reworded.append(
                InitiativePair(
                    old,
                    initiative,
                    ChangedText.of(_("Titel"), old.title, initiative.title),
                    ChangedText.of(_("Tekst"), old.text, initiative.text),
                )
            )
    split = [
        SplitInitiative(old, parts)
        for old in old_initiatives
        if (parts := [i for i in successors.get(old.pk, []) if i.relation == "split"])
    ]
    dropped = [old for old in old_initiatives if old.pk not in successors]

    def texts(model, framework: Framework, field_name: str) -> dict[int, str]:
        rows = model.objects.filter(framework=framework).order_by()
        return dict(rows.values_list("number", field_name))

    return Comparison(
        revision=revision,
        previous=previous,
        added=added,
        dropped=dropped,
        reworded=reworded,
        split=split,
        unchanged=unchanged,
        goals=_numbered_changes(
            _("Målsætning %(number)s"),
            texts(OverarchingGoal, previous, "text"),
            texts(OverarchingGoal, revision, "text"),
        ),
        areas=_numbered_changes(
            _("Område %(number)s"),
            texts(StrategicArea, previous, "title"),
            texts(StrategicArea, revision, "title"),
        ),
    )


@dataclass(frozen=True)
class Ancestor:
    """An initiative an initiative of the framework continues, one revision or more back."""

    initiative_id: int
    framework_id: int
    code: str
    title: str
    # How the later initiative stands to this one: "same", "reworded" or "split".
    relation: str
    # The framework whose initiative changed this one's wording (reworded or split), if any.
    changed_in: int | None


@dataclass
class InitiativeLineage:
    """The framework's initiatives followed back through their predecessors.

    `frameworks` are the framework and those it revises, newest first, of its own KKR only
    (a paper of another KKR that a file named is a model, not its earlier rounds);
    `ancestors` per initiative code of the framework, nearest first."""

    frameworks: list[Framework]
    ancestors: dict[str, list[Ancestor]]
    # The framework's own initiatives by code: title, kind, area number and area title.
    initiatives: dict[str, tuple[str, str, int, str]] = field(default_factory=dict)

    @property
    def earlier_framework_ids(self) -> list[int]:
        return [f.pk for f in self.frameworks[1:]]

    def code_of(self) -> dict[int, str]:
        """The framework's initiative code for each earlier initiative it continues."""
        return {a.initiative_id: code for code, chain in self.ancestors.items() for a in chain}

    def changes_by_framework(self) -> list[tuple[Framework, list[str]]]:
        """Per framework of the chain, newest first, the codes of the framework's initiatives
        whose wording changed in it."""
        changed: dict[int, list[str]] = defaultdict(list)
        for code, chain in sorted(self.ancestors.items()):
            for pk in dict.fromkeys(a.changed_in for a in chain if a.changed_in):
                changed[pk].append(code)
        return [(f, changed[f.pk]) for f in self.frameworks if changed.get(f.pk)]

    def wording_changes(self, code: str) -> list[Framework]:
        """The frameworks in which the initiative's wording changed, newest first."""
        by_pk = {f.pk: f for f in self.frameworks}
        changed = [a.changed_in for a in self.ancestors.get(code, []) if a.changed_in]
        return [by_pk[pk] for pk in dict.fromkeys(changed) if pk in by_pk]


def initiative_lineage(*, framework: Framework) -> InitiativeLineage:
    """Every initiative of the framework with its chain of predecessors, in two queries
    whatever the number of revisions (none for a framework that revises nothing): the KKR's
    frameworks (a handful) and the initiatives of those the framework descends from."""
    if framework.revision_of_id is None:
        return InitiativeLineage([framework], {})
    by_pk = {f.pk: f for f in Framework.objects.filter(kkr_id=framework.kkr_id)}
    by_pk[framework.pk] = framework
    chain = [framework]
    while (
        (pk := chain[-1].revision_of_id) is not None
        and pk in by_pk
        and pk not in {f.pk for f in chain}
    ):
        chain.append(by_pk[pk])
    if len(chain) == 1:
        return InitiativeLineage(chain, {})
    rows = {}
    initiatives = {}
    for row in (
        Initiative.objects.filter(framework__in=chain)
        .order_by()
        .values_list(
            "pk",
            "framework_id",
            "code",
            "title",
            "predecessor_id",
            "relation",
            "kind",
            "block__area__number",
            "block__area__title",
        )
    ):
        rows[row[0]] = row[:6]
        if row[1] == framework.pk:
            initiatives[row[2]] = (row[3], row[6], row[7], row[8])
    changing = {Initiative.Relation.REWORDED, Initiative.Relation.SPLIT}
    ancestors: dict[str, list[Ancestor]] = {}
    for _pk, framework_id, code, _title, predecessor_id, relation in rows.values():
        if framework_id != framework.pk:
            continue
        found: list[Ancestor] = []
        later_framework, later_relation = framework_id, relation
        while predecessor_id in rows:
            p_pk, p_framework, p_code, p_title, p_predecessor, p_relation = rows[predecessor_id]
            found.append(
                Ancestor(
                    p_pk,
                    p_framework,
                    p_code,
                    p_title,
                    later_relation,
                    later_framework if later_relation in changing else None,
                )
            )
            later_framework, later_relation = p_framework, p_relation
            predecessor_id = p_predecessor
        ancestors[code] = found
    return InitiativeLineage(chain, ancestors, initiatives)

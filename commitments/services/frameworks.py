"""Writes with rules for a KKR's own frameworks: write the draft, reorder it, move it through
its life cycle (draft → in consultation → adopted → replaced), start a revision.

Every change is saved row by row through `save()`, so that django-simple-history records who
changed what. An adopted framework is never changed in place (decision 25).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, ProtectedError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from commitments import permissions
from commitments.models import (
    PREDECESSOR_FRAMEWORK_MESSAGE,
    Framework,
    Initiative,
    InitiativeBlock,
    Method,
    OverarchingGoal,
    StrategicArea,
)
from core.text import danish_slugify
from municipalities.models import KKR

# Paths under /rammer/ that a framework's slug must not take.
RESERVED_SLUGS = {"ny", "importer"}
# Numbers far above any real one, for the moment two rows swap places under a unique
# constraint (a positive small integer holds up to 32767).
_PARKED = 10000

NOT_EDITABLE = gettext_lazy(
    "Et vedtaget rammepapir kan ikke ændres. Ændringer kræver en ny revision af rammepapiret."
)

_CODE_SUFFIX = re.compile(r"\.([FP])([0-9]+)$")


def _locked_editable(actor: User, framework: Framework) -> Framework:
    """The framework, locked for the change, if the actor may write it and it may change."""
    framework = Framework.objects.select_for_update().select_related("kkr").get(pk=framework.pk)
    if not permissions.can_edit_framework(actor, framework):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan ændre rammepapiret."))
    if not framework.is_editable:
        raise ValidationError(str(NOT_EDITABLE))
    return framework


def unique_framework_slug(title: str) -> str:
    """A free address for a new framework, made from its title."""
    base = danish_slugify(title)[:70] or "rammepapir"
    slug, number = base, 1
    while slug in RESERVED_SLUGS or Framework.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


# --- the framework and its goals ------------------------------------------------------------


@transaction.atomic
def framework_create(
    *,
    actor: User,
    kkr: KKR,
    title: str,
    subtitle: str = "",
    introduction: str = "",
    implementation_start: int | None = None,
    implementation_end: int | None = None,
    goals: Sequence[str] = (),
) -> Framework:
    """A new draft framework for one of the actor's KKRs, with its overarching goals."""
    kkr_ids = permissions.framework_kkr_ids(actor)
    if kkr_ids is not None and kkr.pk not in kkr_ids:
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan oprette rammepapirer for KKR'et."))
    framework = Framework(
        kkr=kkr,
        slug=unique_framework_slug(title),
        title=title,
        subtitle=subtitle,
        introduction=introduction,
        implementation_start=implementation_start,
        implementation_end=implementation_end,
        status=Framework.Status.DRAFT,
    )
    framework.full_clean()
    framework.save()
    for number, text in enumerate(goals, start=1):
        OverarchingGoal.objects.create(framework=framework, number=number, text=text)
    return framework


@transaction.atomic
def framework_update(
    *,
    actor: User,
    framework: Framework,
    title: str,
    subtitle: str,
    introduction: str,
    implementation_start: int | None,
    implementation_end: int | None,
    goals: Sequence[str],
) -> Framework:
    """Change the framework's own text and its overarching goals (in the order given)."""
    framework = _locked_editable(actor, framework)
    framework.title = title
    framework.subtitle = subtitle
    framework.introduction = introduction
    framework.implementation_start = implementation_start
    framework.implementation_end = implementation_end
    framework.full_clean()
    framework.save()
    existing = list(framework.goals.order_by("number"))
    for number, text in enumerate(goals, start=1):
        if number <= len(existing):
            goal = existing[number - 1]
            if goal.text != text or goal.number != number:
                goal.text, goal.number = text, number
                goal.save()
        else:
            OverarchingGoal.objects.create(framework=framework, number=number, text=text)
    for goal in existing[len(goals) :]:
        goal.delete()
    return framework


# --- areas and blocks -----------------------------------------------------------------------


@dataclass(frozen=True)
class AreaChange:
    """One row of the areas form: an existing area (or None for a new one) and what to do."""

    area: StrategicArea | None
    title: str
    description: str = ""
    delete: bool = False


@dataclass(frozen=True)
class BlockChange:
    """A further block of an area (the main block comes with the area and is not listed)."""

    block: InitiativeBlock | None
    area: StrategicArea
    title: str
    delete: bool = False


def _check_empty(block: InitiativeBlock, label: str) -> None:
    if block.initiatives.exists():
        raise ValidationError(
            _("%(what)s har indsatser. Flyt eller slet dem først.") % {"what": label}
        )


@transaction.atomic
def structure_save(
    *,
    actor: User,
    framework: Framework,
    areas: Sequence[AreaChange],
    blocks: Sequence[BlockChange] = (),
) -> Framework:
    """Add, change and delete the framework's strategic areas and their further blocks.

    A new area gets the next number and a main block; after a deletion the areas and blocks
    are numbered again without gaps, and the initiatives' codes follow their area's number.
    """
    framework = _locked_editable(actor, framework)
    for change in areas:
        if change.area is not None and change.area.framework_id != framework.pk:
            raise ValidationError(_("Området hører ikke til rammepapiret."))
    for block_change in blocks:
        if block_change.area.framework_id != framework.pk:
            raise ValidationError(_("Blokken hører ikke til rammepapiret."))
    next_number = (framework.areas.aggregate(n=Max("number"))["n"] or 0) + 1
    for change in areas:
        area = change.area
        if area is None:
            if change.delete or not change.title:
                continue
            area = StrategicArea(framework=framework, number=next_number)
            next_number += 1
            area.title, area.description = change.title, change.description
            area.full_clean()
            area.save()
            InitiativeBlock.objects.create(area=area, number=1, title="")
        elif change.delete:
            area_blocks = list(area.blocks.order_by("-number"))
            for block in area_blocks:
                _check_empty(block, _("Området %(number)s") % {"number": area.number})
            for block in area_blocks:
                block.delete()
            area.delete()
        elif (area.title, area.description) != (change.title, change.description):
            area.title, area.description = change.title, change.description
            area.full_clean()
            area.save()
    for block_change in blocks:
        existing = block_change.block
        if existing is None:
            if block_change.delete or not block_change.title:
                continue
            number = (block_change.area.blocks.aggregate(n=Max("number"))["n"] or 0) + 1
            new = InitiativeBlock(area=block_change.area, number=number)
            new.title = block_change.title
            new.full_clean()
            new.save()
            continue
        block = existing
        if block.is_main:
            raise ValidationError(_("Områdets hovedblok kan ikke ændres her."))
        elif block_change.delete:
            _check_empty(block, _("Blokken “%(title)s”") % {"title": block.title})
            block.delete()
        elif block.title != block_change.title or block.area_id != block_change.area.pk:
            if block.area_id != block_change.area.pk:
                _check_empty(block, _("Blokken “%(title)s”") % {"title": block.title})
                number = (block_change.area.blocks.aggregate(n=Max("number"))["n"] or 0) + 1
                block.area, block.number = block_change.area, number
            block.title = block_change.title
            block.full_clean()
            block.save()
    _number_without_gaps(framework)
    return framework


def _number_without_gaps(framework: Framework) -> None:
    """Number the areas 1, 2 … and each area's blocks 1, 2 … in their present order, and
    begin every initiative's code with its block's prefix (1., 1b., 2. …)."""
    areas = list(framework.areas.order_by("number"))
    _renumber(areas, StrategicArea.objects.filter(framework=framework))
    for area in areas:
        blocks = list(area.blocks.order_by("number"))
        _renumber(blocks, InitiativeBlock.objects.filter(area=area))
    initiatives = list(
        Initiative.objects.filter(framework=framework).select_related("block__area").order_by("pk")
    )
    wrong = []
    for initiative in initiatives:
        # Every code ends so: the model's validator and constraint see to it.
        suffix = _CODE_SUFFIX.search(initiative.code).group(0)  # type: ignore[union-attr]
        code = f"{initiative.block.code_prefix}{suffix}"
        if code != initiative.code:
            wrong.append((initiative, suffix, code))
    # Park the codes first: two initiatives may be trading prefixes.
    for position, (initiative, suffix, _code) in enumerate(wrong):
        Initiative.objects.filter(pk=initiative.pk).update(code=f"{_PARKED + position}{suffix}")
    for initiative, _suffix, code in wrong:
        initiative.code = code
        initiative.save(update_fields=["code", "updated_at"])


def _renumber(rows: list, queryset) -> None:
    """Give `rows` the numbers 1, 2 … in their order, under a (parent, number) constraint."""
    moved = [(row, number) for number, row in enumerate(rows, start=1) if row.number != number]
    if not moved:
        return
    queryset.filter(pk__in=[row.pk for row, _n in moved]).update(number=F("number") + _PARKED)
    for row, number in moved:
        row.number = number
        row.save(update_fields=["number", "updated_at"])


# --- reordering -----------------------------------------------------------------------------


@transaction.atomic
def framework_move(*, actor: User, framework: Framework, item: object, up: bool) -> None:
    """Move a goal, an area or an initiative one place up or down among its neighbours."""
    framework = _locked_editable(actor, framework)
    if isinstance(item, OverarchingGoal):
        goals = list(framework.goals.order_by("number"))
        _renumber(_swap(goals, item, up), OverarchingGoal.objects.filter(framework=framework))
    elif isinstance(item, StrategicArea):
        areas = list(framework.areas.order_by("number"))
        _renumber(_swap(areas, item, up), StrategicArea.objects.filter(framework=framework))
        _number_without_gaps(framework)
    elif isinstance(item, Initiative):
        rows = list(
            Initiative.objects.filter(block=item.block, kind=item.kind).order_by("order", "pk")
        )
        for order, initiative in enumerate(_swap(rows, item, up), start=1):
            if initiative.order != order:
                initiative.order = order
                initiative.save(update_fields=["order", "updated_at"])
    else:
        raise ValidationError(_("Det kan ikke flyttes."))


def _swap(rows: list, item: object, up: bool) -> list:
    pks = [row.pk for row in rows]
    position = pks.index(item.pk)  # type: ignore[attr-defined]
    other = position - 1 if up else position + 1
    if 0 <= other < len(rows):
        rows[position], rows[other] = rows[other], rows[position]
    return rows


# --- initiatives and methods ----------------------------------------------------------------


def _next_code(block: InitiativeBlock, kind: str) -> str:
    letter = "F" if kind == Initiative.Kind.MANDATORY else "P"
    prefix = f"{block.code_prefix}.{letter}"
    numbers = [
        int(code[len(prefix) :])
        for code in Initiative.objects.filter(
            framework_id=block.area.framework_id, code__startswith=prefix
        ).values_list("code", flat=True)
        if code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _check_code(code: str, block: InitiativeBlock, kind: str) -> None:
    letter = "F" if kind == Initiative.Kind.MANDATORY else "P"
    prefix = f"{block.code_prefix}.{letter}"
    if not code.startswith(prefix) or not code[len(prefix) :].isdigit():
        raise ValidationError(
            {
                "code": _(
                    "Koden skal begynde med %(prefix)s efterfulgt af et nummer, fx %(example)s."
                )
                % {"prefix": prefix, "example": f"{prefix}1"}
            }
        )


@dataclass(frozen=True)
class Lineage:
    """An initiative's link to its predecessor in the framework the revision replaces."""

    predecessor: Initiative | None
    relation: str


@transaction.atomic
def initiative_save(
    *,
    actor: User,
    framework: Framework,
    initiative: Initiative | None,
    block: InitiativeBlock,
    kind: str,
    code: str,
    title: str,
    text: str,
    methods: Sequence[Method] = (),
    lineage: Lineage | None = None,
) -> Initiative:
    """Add an initiative to a block (or change one); an empty code gets the block's next.

    `lineage` sets its predecessor and relation (None keeps them; a new initiative is
    "new"). An initiative marked "same" whose title or text no longer is its predecessor's
    becomes "reworded", and back: "same" promises the wording the earlier rounds were
    answered on (`Initiative.match_relation_to_wording`)."""
    framework = _locked_editable(actor, framework)
    block = InitiativeBlock.objects.select_related("area").get(pk=block.pk)
    if block.area.framework_id != framework.pk or any(
        m.framework_id != framework.pk for m in methods
    ):
        raise ValidationError(_("Blokken og metoderne skal høre til rammepapiret."))
    if initiative is None:
        initiative = Initiative(framework=framework)
    elif initiative.framework_id != framework.pk:
        raise ValidationError(_("Indsatsen hører ikke til rammepapiret."))
    moved = initiative.pk is None or initiative.block_id != block.pk or initiative.kind != kind
    if not code or (moved and code == initiative.code and initiative.pk is not None):
        code = _next_code(block, kind)
    _check_code(code, block, kind)
    if moved:
        last = Initiative.objects.filter(block=block, kind=kind).aggregate(n=Max("order"))["n"]
        initiative.order = (last or 0) + 1
    initiative.block, initiative.kind, initiative.code = block, kind, code
    initiative.title, initiative.text = title, text
    if lineage is not None:
        _check_predecessor(framework, lineage.predecessor)
        initiative.predecessor, initiative.relation = lineage.predecessor, lineage.relation
    initiative.match_relation_to_wording()
    initiative.full_clean()
    initiative.save()
    if set(initiative.methods.all()) != set(methods):
        initiative.methods.set(methods)
    return initiative


def _check_predecessor(framework: Framework, predecessor: Initiative | None) -> None:
    if predecessor is not None and predecessor.framework_id != framework.revision_of_id:
        raise ValidationError({"predecessor": str(PREDECESSOR_FRAMEWORK_MESSAGE)})


@transaction.atomic
def initiative_delete(*, actor: User, framework: Framework, initiative: Initiative) -> None:
    """Remove an initiative from a framework that is still being written."""
    framework = _locked_editable(actor, framework)
    if initiative.framework_id != framework.pk:
        raise ValidationError(_("Indsatsen hører ikke til rammepapiret."))
    try:
        initiative.methods.clear()
        initiative.delete()
    except ProtectedError as error:
        raise ValidationError(
            _("Indsatsen kan ikke slettes, fordi et pilotprojekt hører til den.")
        ) from error


@dataclass(frozen=True)
class MethodChange:
    method: Method | None
    name: str
    description: str = ""
    delete: bool = False


@transaction.atomic
def methods_save(
    *, actor: User, framework: Framework, methods: Sequence[MethodChange]
) -> Framework:
    """Add, rename and delete the methods and instruments the framework names."""
    framework = _locked_editable(actor, framework)
    for change in methods:
        method = change.method
        if method is not None and method.framework_id != framework.pk:
            raise ValidationError(_("Metoden hører ikke til rammepapiret."))
        if method is None:
            if change.delete or not change.name:
                continue
            method = Method(framework=framework)
        elif change.delete:
            method.initiatives.clear()
            method.delete()
            continue
        elif (method.name, method.description) == (change.name, change.description):
            continue
        method.name, method.description = change.name, change.description
        method.full_clean()
        method.save()
    return framework


# --- life cycle -----------------------------------------------------------------------------


def _check_has_initiatives(framework: Framework, message: str) -> None:
    if not framework.initiatives.exists():
        raise ValidationError(message)


@transaction.atomic
def framework_open_consultation(*, actor: User, framework: Framework) -> Framework:
    """Send the draft in consultation: the KKR's coordinators and politicians may read it."""
    framework = _locked_editable(actor, framework)
    if framework.status != Framework.Status.DRAFT:
        raise ValidationError(_("Rammepapiret er allerede i høring."))
    _check_has_initiatives(
        framework, _("Rammepapiret skal have mindst én indsats, før det sendes i høring.")
    )
    framework.status = Framework.Status.CONSULTATION
    framework.save()
    return framework


@transaction.atomic
def framework_close_consultation(*, actor: User, framework: Framework) -> Framework:
    """Take the framework back to a draft only its secretariat reads."""
    framework = _locked_editable(actor, framework)
    if framework.status != Framework.Status.CONSULTATION:
        raise ValidationError(_("Rammepapiret er ikke i høring."))
    framework.status = Framework.Status.DRAFT
    framework.save()
    return framework


@transaction.atomic
def framework_adopt(
    *,
    actor: User,
    framework: Framework,
    adopted_on: datetime.date,
    decision: str,
    decision_url: str = "",
) -> Framework:
    """Record the KKR's adoption: the date, where it was decided, and who recorded it.

    From now on reporting rounds can be made for the framework, and it is no longer changed.
    A revision of the KKR's own adopted framework replaces that framework in the same
    transaction (a paper of another KKR that a file named is only its model).
    """
    framework = _locked_editable(actor, framework)
    _check_has_initiatives(
        framework, _("Rammepapiret skal have mindst én indsats, før det kan vedtages.")
    )
    if not decision.strip():
        raise ValidationError({"adoption_decision": _("Skriv, hvor rammepapiret blev vedtaget.")})
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("Vedtagelsesdatoen kan ikke ligge i fremtiden.")})
    framework.status = Framework.Status.ADOPTED
    framework.adopted_on = adopted_on
    framework.adoption_decision = decision.strip()
    framework.adoption_url = decision_url
    framework.adopted_by = actor
    framework.adopted_at = timezone.now()
    replaced = None
    if framework.revision_of_id is not None:
        replaced = Framework.objects.select_for_update().get(pk=framework.revision_of_id)
        if replaced.kkr_id != framework.kkr_id or replaced.status != Framework.Status.ADOPTED:
            replaced = None
        elif replaced.adopted_on and adopted_on < replaced.adopted_on:
            raise ValidationError(
                {
                    "adopted_on": _(
                        "Revisionen kan ikke være vedtaget før det rammepapir, den afløser "
                        "(%(date)s)."
                    )
                    % {"date": date_format(replaced.adopted_on, "j. F Y")}
                }
            )
    framework.full_clean()
    framework.save()
    if replaced is not None:
        replaced.status = Framework.Status.REPLACED
        replaced.save()
    return framework


@transaction.atomic
def framework_revise(*, actor: User, framework: Framework) -> Framework:
    """Start the next revision of an adopted framework: a new draft of the same KKR with a
    copy of its goals, methods, areas, blocks and initiatives, each initiative "same" as the
    one it was copied from. The adopted framework stays as it is until the revision is
    adopted; the rounds answered on it keep their wording."""
    framework = Framework.objects.select_for_update().select_related("kkr").get(pk=framework.pk)
    if not permissions.can_edit_framework(actor, framework):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan revidere rammepapiret."))
    if framework.status != Framework.Status.ADOPTED:
        raise ValidationError(_("Kun et vedtaget rammepapir kan revideres."))
    in_progress = Framework.objects.filter(
        revision_of=framework, kkr_id=framework.kkr_id, status__in=Framework.EDITABLE
    ).first()
    if in_progress is not None:
        raise ValidationError(
            _("Rammepapiret har allerede en revision under udarbejdelse: “%(title)s”.")
            % {"title": in_progress.title}
        )
    revision = Framework(
        kkr=framework.kkr,
        slug=unique_framework_slug(f"{framework.slug} revision"),
        title=framework.title,
        subtitle=framework.subtitle,
        introduction=framework.introduction,
        implementation_start=framework.implementation_start,
        implementation_end=framework.implementation_end,
        status=Framework.Status.DRAFT,
        revision_of=framework,
    )
    revision.full_clean()
    revision.save()
    for goal in framework.goals.order_by("number"):
        OverarchingGoal.objects.create(framework=revision, number=goal.number, text=goal.text)
    methods = {
        method.pk: Method.objects.create(
            framework=revision, name=method.name, description=method.description
        )
        for method in framework.methods.all()
    }
    blocks = {}
    for area in framework.areas.order_by("number").prefetch_related("blocks"):
        copy = StrategicArea.objects.create(
            framework=revision, number=area.number, title=area.title, description=area.description
        )
        for block in area.blocks.all():
            blocks[block.pk] = InitiativeBlock.objects.create(
                area=copy, number=block.number, title=block.title
            )
    for initiative in framework.initiatives.order_by("pk").prefetch_related("methods"):
        successor = Initiative.objects.create(
            framework=revision,
            block=blocks[initiative.block_id],
            kind=initiative.kind,
            code=initiative.code,
            title=initiative.title,
            text=initiative.text,
            order=initiative.order,
            predecessor=initiative,
            relation=Initiative.Relation.SAME,
        )
        names = [methods[m.pk] for m in initiative.methods.all()]
        if names:
            successor.methods.set(names)
    return revision

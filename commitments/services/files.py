"""Importing a framework file as a new draft of the actor's KKR (the format: commitments.files)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from commitments import permissions
from commitments.files import FrameworkData, FrameworkFileError, parse_framework_file
from commitments.models import (
    Framework,
    Initiative,
    InitiativeBlock,
    Method,
    OverarchingGoal,
    StrategicArea,
)
from commitments.services.frameworks import unique_framework_slug
from municipalities.models import KKR


@transaction.atomic
def framework_import(*, actor: User, kkr: KKR, content: bytes) -> Framework:
    """A new draft framework for the KKR, exactly as the file describes it; a file with any
    fault writes nothing and raises a ValidationError listing every fault with its path."""
    kkr_ids = permissions.framework_kkr_ids(actor)
    if kkr_ids is not None and kkr.pk not in kkr_ids:
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan oprette rammepapirer for KKR'et."))
    try:
        data = parse_framework_file(content)
    except FrameworkFileError as error:
        raise ValidationError(error.errors) from error
    previous, predecessors = _resolve_links(actor=actor, kkr=kkr, data=data)
    framework = Framework(
        kkr=kkr,
        slug=unique_framework_slug(data.title),
        title=data.title,
        subtitle=data.subtitle,
        introduction=data.introduction,
        implementation_start=data.implementation_start,
        implementation_end=data.implementation_end,
        status=Framework.Status.DRAFT,
        revision_of=previous,
    )
    framework.full_clean()
    framework.save()
    for number, text in enumerate(data.goals, start=1):
        OverarchingGoal.objects.create(framework=framework, number=number, text=text)
    methods = {}
    for name, description in data.methods:
        methods[name] = Method.objects.create(
            framework=framework, name=name, description=description
        )
    for area_number, area_data in enumerate(data.areas, start=1):
        area = StrategicArea.objects.create(
            framework=framework,
            number=area_number,
            title=area_data.title,
            description=area_data.description,
        )
        for block_number, block_data in enumerate(area_data.blocks, start=1):
            block = InitiativeBlock.objects.create(
                area=area, number=block_number, title=block_data.title
            )
            order: dict[str, int] = {Initiative.Kind.MANDATORY: 0, Initiative.Kind.PILOT: 0}
            for item in block_data.initiatives:
                order[item.kind] += 1
                predecessor: Initiative | None = None
                relation: str = Initiative.Relation.NEW
                if item.predecessor is not None:
                    predecessor = predecessors[item.predecessor[0]]
                    relation = item.predecessor[1]
                initiative = Initiative(
                    framework=framework,
                    block=block,
                    kind=item.kind,
                    code=item.code,
                    title=item.title,
                    text=item.text,
                    order=order[item.kind],
                    predecessor=predecessor,
                    relation=relation,
                )
                initiative.match_relation_to_wording()
                initiative.full_clean()
                initiative.save()
                if item.methods:
                    initiative.methods.set([methods[name] for name in item.methods])
    return framework


def _resolve_links(
    *, actor: User, kkr: KKR, data: FrameworkData
) -> tuple[Framework | None, dict[str, Initiative]]:
    """The framework the file's `revision_af` names and its initiatives by code, if the
    actor may read it and it is adopted; every fault with its path, as the file's own."""
    if data.revision_of is None:
        return None, {}
    previous = Framework.objects.visible_to(actor).filter(slug=data.revision_of).first()
    where = "revision_af"
    if previous is None:
        raise ValidationError(
            [
                f"{where}: "
                + _("rammepapiret “%(slug)s” findes ikke, eller KKR'et kan ikke læse det")
                % {"slug": data.revision_of}
            ]
        )
    if not previous.is_published:
        raise ValidationError(
            [
                f"{where}: "
                + _("rammepapiret “%(slug)s” er ikke vedtaget") % {"slug": data.revision_of}
            ]
        )
    if Framework.objects.filter(
        revision_of=previous, kkr=kkr, status__in=Framework.EDITABLE
    ).exists():
        raise ValidationError(
            [
                f"{where}: "
                + _("KKR'et er allerede i gang med en revision af “%(slug)s”")
                % {"slug": data.revision_of}
            ]
        )
    predecessors = {i.code: i for i in Initiative.objects.filter(framework=previous)}
    errors = [
        f"{item.path}.forgænger.kode: "
        + _("“%(code)s” findes ikke i “%(slug)s”")
        % {"code": item.predecessor[0], "slug": data.revision_of}
        for item in data.initiatives
        if item.predecessor is not None and item.predecessor[0] not in predecessors
    ]
    if errors:
        raise ValidationError(errors)
    return previous, predecessors

"""Importing a framework file as a new draft of the actor's KKR (the format: commitments.files)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from commitments import permissions
from commitments.files import FrameworkFileError, parse_framework_file
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
    framework = Framework(
        kkr=kkr,
        slug=unique_framework_slug(data.title),
        title=data.title,
        subtitle=data.subtitle,
        introduction=data.introduction,
        implementation_start=data.implementation_start,
        implementation_end=data.implementation_end,
        status=Framework.Status.DRAFT,
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
                initiative = Initiative(
                    framework=framework,
                    block=block,
                    kind=item.kind,
                    code=item.code,
                    title=item.title,
                    text=item.text,
                    order=order[item.kind],
                )
                initiative.full_clean()
                initiative.save()
                if item.methods:
                    initiative.methods.set([methods[name] for name in item.methods])
    return framework

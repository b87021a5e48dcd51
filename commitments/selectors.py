"""Reads that shape a framework for its pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from commitments.models import Framework, Initiative, InitiativeBlock, StrategicArea


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

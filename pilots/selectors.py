"""Reads for pilot projects: lists grouped by initiative, who may be invited, under what."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from accounts.permissions import get_scope
from commitments.models import Framework, Initiative
from municipalities.models import Municipality
from pilots.models import PilotParticipation, PilotProject


@dataclass
class PilotGroup:
    initiative: Initiative
    projects: list[PilotProject]


def pilot_projects_for_list(queryset: QuerySet[PilotProject]) -> QuerySet[PilotProject]:
    """Pilot projects with everything the list shows: initiative, lead, participants."""
    participations = PilotParticipation.objects.select_related("municipality").order_by(
        "municipality__name"
    )
    return queryset.select_related(
        "initiative__framework__kkr", "initiative__block__area", "lead_municipality"
    ).prefetch_related(Prefetch("participations", queryset=participations))


def pilot_groups(projects: QuerySet[PilotProject]) -> list[PilotGroup]:
    """Pilot projects grouped by their pilot initiative, in the framework's order."""
    ordered = projects.order_by(
        "initiative__framework__title",
        "initiative__block__area__number",
        "initiative__block__number",
        "initiative__order",
        "title",
    )
    groups: list[PilotGroup] = []
    for project in ordered:
        if not groups or groups[-1].initiative.pk != project.initiative_id:
            groups.append(PilotGroup(project.initiative, []))
        groups[-1].projects.append(project)
    return groups


def pilot_initiatives_for(actor: User):
    """Pilot initiatives a coordinator may start a project under: adopted, own KKR."""
    scope = get_scope(actor)
    kkr_ids = set(
        Municipality.objects.filter(pk__in=scope.coordinator_municipality_ids).values_list(
            "kkr_id", flat=True
        )
    )
    return Initiative.objects.pilots().filter(
        framework__status=Framework.Status.ADOPTED, framework__kkr_id__in=kkr_ids
    )


def invitable_municipalities(project: PilotProject):
    """Municipalities of the lead's KKR that are neither the lead nor already asked."""
    return (
        Municipality.objects.filter(kkr_id=project.lead_municipality.kkr_id)
        .exclude(pk=project.lead_municipality_id)
        .exclude(pilot_participations__project=project)
        .order_by("name")
    )

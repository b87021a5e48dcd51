"""The pilot projects a report's entries may point to (read by the form and by `report_save`,
so this module imports no service)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pilots.models import PilotParticipation, PilotProject
from reporting.models import Report

_ACTIVE_PILOT = [
    PilotProject.Status.PLANNED,
    PilotProject.Status.RUNNING,
    PilotProject.Status.COMPLETED,
]


def pilot_projects_open_to(report: Report) -> QuerySet[PilotProject]:
    """Active pilot projects on the report's pilot initiatives that its municipality leads or
    has joined: the ones a report may newly point an entry to."""
    initiative_ids = [e.initiative_id for e in report.entries.all() if not e.is_mandatory]
    takes_part = Q(lead_municipality_id=report.municipality_id) | Q(
        participations__municipality_id=report.municipality_id,
        participations__status=PilotParticipation.Status.ACCEPTED,
    )
    return PilotProject.objects.filter(
        takes_part, initiative_id__in=initiative_ids, status__in=_ACTIVE_PILOT
    ).distinct()


def pilot_projects_for_report(report: Report) -> list[PilotProject]:
    """The pilot projects the report's entries may point to, for the form's choices.

    The project an entry already points to is kept, so that saving never drops a choice.
    """
    chosen_ids = [e.pilot_project_id for e in report.entries.all() if e.pilot_project_id]
    return list(
        PilotProject.objects.filter(
            Q(pk__in=pilot_projects_open_to(report).values("pk")) | Q(pk__in=chosen_ids)
        ).order_by("title")
    )

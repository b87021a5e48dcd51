"""Reads that shape a report for its pages: the report with its entries, its pilot choices."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from pilots.models import PilotParticipation, PilotProject
from reporting.models import (
    Attachment,
    Report,
    ReportEntry,
)


@dataclass
class AreaEntries:
    number: int
    title: str
    entries: list[ReportEntry]


def report_for_page(*, queryset, pk: int) -> Report:
    """One report with its round, municipality, entries, answers and events, in few queries."""
    entries = (
        ReportEntry.objects.order_by("position")
        .prefetch_related(
            "methods",
            Prefetch("attachments", queryset=Attachment.objects.order_by("created_at")),
        )
        .select_related("pilot_project")
    )
    return (
        queryset.select_related(
            "round__framework__kkr", "municipality__kkr", "submitted_by", "reviewed_by"
        )
        .prefetch_related(
            Prefetch("entries", queryset=entries),
            "answers__question",
            "events__actor",
        )
        .get(pk=pk)
    )


def entries_by_area(report: Report) -> list[AreaEntries]:
    """The report's entries grouped by strategic area, in the framework's order."""
    areas: list[AreaEntries] = []
    for entry in report.entries.all():
        if not areas or areas[-1].number != entry.area_number:
            areas.append(AreaEntries(entry.area_number, entry.area_title, []))
        areas[-1].entries.append(entry)
    return areas


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

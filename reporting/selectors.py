"""Reads that shape reports and rounds for their pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from reporting.models import Attachment, Report, ReportEntry


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

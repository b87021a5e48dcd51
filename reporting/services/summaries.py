"""The reports' summaries (`ReportSummary`): derived from their entries, in one place.

Every write of report entries (save, submit, return, approve, import, opening a round with its
carried-over lines) calls `results_changed`, which calls `summaries_refresh` for the reports it
changed, in the same transaction. A summary is never adjusted by a difference: a report's rows
are recomputed from its entries as they are now, so they are right whatever the write did.
`summaries_rebuild` recomputes every report (the `rebuild_summaries` command), and a test
compares the two after a random series of writes (tests/test_report_summaries.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max, Q

from reporting.models import ReportEntry, ReportSummary


def _computed(entries) -> list[ReportSummary]:
    rows = (
        entries.values("report_id", "report__round_id", "initiative_kind", "area_number", "status")
        .annotate(
            lines=Count("id"),
            carried_over=Count("id", filter=Q(carried_over_from__isnull=False)),
            area_title=Max("area_title"),
        )
        .order_by()
    )
    return [ReportSummary(round_id=row.pop("report__round_id"), **row) for row in rows]


@transaction.atomic
def summaries_refresh(*, report_ids: Iterable[int]) -> None:
    """Recompute the summaries of these reports from their entries."""
    report_ids = list(report_ids)
    ReportSummary.objects.filter(report_id__in=report_ids).delete()
    ReportSummary.objects.bulk_create(
        _computed(ReportEntry.objects.filter(report_id__in=report_ids)), batch_size=5000
    )


@transaction.atomic
def summaries_rebuild() -> int:
    """Recompute every report's summaries from scratch; the number of rows written."""
    ReportSummary.objects.all().delete()
    rows = _computed(ReportEntry.objects.all())
    ReportSummary.objects.bulk_create(rows, batch_size=5000)
    return len(rows)

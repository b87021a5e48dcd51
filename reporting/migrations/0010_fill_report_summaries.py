"""Fill the report summaries of a database that had reports before they existed (decision 29).

The same computation as `reporting.services.summaries`, frozen here on the historical models,
so that a deployment needs no separate `rebuild_summaries` step.
"""

from django.db import migrations
from django.db.models import Count, Max, Q


def fill(apps, schema_editor):
    ReportEntry = apps.get_model("reporting", "ReportEntry")
    ReportSummary = apps.get_model("reporting", "ReportSummary")
    rows = (
        ReportEntry.objects.values(
            "report_id", "report__round_id", "initiative_kind", "area_number", "status"
        )
        .annotate(
            lines=Count("id"),
            carried_over=Count("id", filter=Q(carried_over_from__isnull=False)),
            area_title=Max("area_title"),
        )
        .order_by()
    )
    ReportSummary.objects.bulk_create(
        (ReportSummary(round_id=row.pop("report__round_id"), **row) for row in rows),
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0009_merge_stored_files_and_summaries")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

"""The reports' summaries stay what their entries say, whatever the services wrote.

`ReportSummary` rows are derived data (reporting.services.summaries): every write of entries
goes through `results_changed`, which recomputes the written reports' rows in the same
transaction. After a random series of the services' writes, the kept rows must equal a
rebuild from scratch.
"""

import random

import pytest
from django.core.management import call_command

from reporting.models import Report, ReportEntry, ReportSummary
from reporting.services import reports as report_services
from reporting.services.summaries import summaries_rebuild

pytestmark = pytest.mark.django_db


def _rows() -> list[tuple]:
    return sorted(
        ReportSummary.objects.values_list(
            "report_id",
            "initiative_kind",
            "area_number",
            "area_title",
            "status",
            "lines",
            "carried_over",
        ),
        key=repr,
    )


def _entry_data(entry: ReportEntry, status: int | None) -> report_services.EntryData:
    return report_services.EntryData(
        entry_id=entry.pk,
        status=status if entry.is_mandatory else None,
        narrative="Beskrevet." if entry.is_mandatory else "",
        method_ids=frozenset(),
        other_methods="",
        next_steps="",
        links="",
        participation="" if entry.is_mandatory else "no",
        pilot_project_id=None,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_summaries_equal_a_rebuild_after_random_writes(
    seed, open_round, coordinator, other_coordinator, secretariat, own_report, other_report
):
    chance = random.Random(seed)
    writers = {own_report.pk: coordinator, other_report.pk: other_coordinator}
    assert ReportSummary.objects.filter(report=own_report).exists()  # opening the round

    for _ in range(12):
        report = Report.objects.get(pk=chance.choice(list(writers)))
        actor = writers[report.pk]
        if report.status in Report.EDITABLE_STATUSES:
            entries = list(report.entries.all())
            written = chance.sample(entries, k=chance.randint(1, len(entries)))
            report = report_services.report_save(
                actor=actor,
                report=report,
                expected_version=report.version,
                entries=[_entry_data(e, chance.choice([None, 0, 1, 2, 3, 4])) for e in written],
                answers={},
                council_body="",
                council_date=None,
                confirmed_entry_ids=frozenset(
                    e.pk for e in entries if e.is_carried_over and chance.random() < 0.5
                ),
            )
            if chance.random() < 0.4:
                all_answered = [_entry_data(e, chance.randint(0, 4)) for e in entries]
                report = report_services.report_save(
                    actor=actor,
                    report=report,
                    expected_version=report.version,
                    entries=all_answered,
                    answers={a.pk: "Vi arbejder videre." for a in report.answers.all()},
                    council_body="Social- og sundhedsudvalget",
                    council_date=open_round.deadline,
                )
                report_services.report_submit(
                    actor=actor, report=report, expected_version=report.version
                )
        elif report.status == Report.Status.SUBMITTED:
            if chance.random() < 0.5:
                report_services.report_return(
                    actor=secretariat, report=report, comment="Uddyb venligst."
                )
            else:
                report_services.report_approve(actor=secretariat, report=report)
        kept = _rows()
        summaries_rebuild()
        assert _rows() == kept


def test_rebuild_summaries_command_recomputes_what_was_written_outside_the_services(
    open_round, own_report
):
    kept = _rows()
    ReportEntry.objects.filter(report=own_report).update(status=4)  # behind the services' back
    assert _rows() == kept

    call_command("rebuild_summaries", verbosity=0)

    lines = ReportSummary.objects.filter(report=own_report, status=4)
    assert sum(lines.values_list("lines", flat=True)) == own_report.entries.count()
    assert not ReportSummary.objects.filter(report=own_report).exclude(status=4).exists()

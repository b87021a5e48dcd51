"""Two saves of the same report version at the same time: exactly one wins."""

import threading
import time

import pytest
from django.db import OperationalError, connection

from reporting.models import Report, ReportEntry
from reporting.services import reports as report_services

Status = ReportEntry.ImplementationStatus


def _save(user, report_pk: int, entry, narrative: str):
    data = report_services.EntryData(
        entry_id=entry.pk,
        status=Status.IN_PROGRESS,
        narrative=narrative,
        method_ids=frozenset(),
        other_methods="",
        next_steps="",
        links="",
        participation="",
        pilot_project_id=None,
    )
    return report_services.report_save(
        actor=user,
        report=Report.objects.get(pk=report_pk),
        expected_version=1,
        entries=[data],
        answers={},
        council_body="",
        council_date=None,
    )


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_version_one_wins_one_conflicts(coordinator, own_report):
    entry = own_report.entries.filter(initiative_kind="mandatory").first()
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            start.wait()
            for _attempt in range(50):
                try:
                    outcomes[name] = _save(coordinator, own_report.pk, entry, f"Tekst fra {name}")
                    break
                except OperationalError:
                    # SQLite locks the whole database instead of the row: where PostgreSQL's
                    # SELECT ... FOR UPDATE waits, SQLite refuses at once. Waiting and trying
                    # again is what the row lock does; the version check must still decide.
                    time.sleep(0.02)
        except report_services.ReportConflict as conflict:
            outcomes[name] = conflict
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [name for name, result in outcomes.items() if isinstance(result, Report)]
    losers = [
        name
        for name, result in outcomes.items()
        if isinstance(result, report_services.ReportConflict)
    ]
    assert len(winners) == 1
    assert len(losers) == 1
    assert outcomes[losers[0]].current_version == 2
    own_report.refresh_from_db()
    entry.refresh_from_db()
    assert own_report.version == 2
    assert entry.narrative == f"Tekst fra {winners[0]}"

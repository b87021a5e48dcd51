"""The in-process memo's bounds, and the prepared statement behind a kept page's key
(core/memo.py, core/prepared.py, docs/decisions/0030-kept-pages-in-the-process.md)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import prepared
from core.memo import Memo
from reporting.models import ReportingRound
from tests.factories import ReportingRoundFactory


def test_a_memo_bounded_by_weight_lets_the_least_recently_used_go():
    kept = Memo(max_entries=100, max_weight=10, weigh=len)
    kept.put("a", b"aaaa")
    kept.put("b", b"bbbb")
    assert kept.get("a") == b"aaaa"  # now the most recently used

    kept.put("c", b"cccc")  # 12 bytes: one must go, the least recently used

    assert kept.get("b") is None
    assert (kept.get("a"), kept.get("c")) == (b"aaaa", b"cccc")
    assert kept.weight == 8


def test_a_memo_keeps_no_value_heavier_than_its_whole_budget_and_counts_a_replaced_one_once():
    kept = Memo(max_entries=100, max_weight=10, weigh=len)
    kept.put("a", b"aaaa")
    kept.put("huge", b"x" * 11)
    kept.put("a", b"aaaaaa")

    assert kept.get("huge") is None
    assert kept.get("a") == b"aaaaaa"
    assert kept.weight == 6


def test_a_memo_bounded_by_entries_and_age(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("core.memo.time.monotonic", lambda: clock[0])
    kept = Memo(max_entries=2, max_age=60)
    for key in "abc":
        kept.get_or_compute(key, lambda key=key: key.upper())

    assert kept.get("a") is None
    assert kept.get("b") == "B"
    clock[0] += 61
    assert kept.get_or_compute("b", lambda: "again") == "again"


_ROUNDS_SQL = "SELECT id, results_version FROM reporting_reportinground WHERE slug = %s"


@pytest.mark.django_db
def test_a_prepared_query_gives_the_rows_the_plain_one_gives(settings):
    round_ = ReportingRoundFactory()
    with connection.cursor() as cursor:
        cursor.execute(_ROUNDS_SQL, [round_.slug])
        plain = cursor.fetchall()

    assert prepared.fetchall(_ROUNDS_SQL, [round_.slug]) == plain == [(round_.pk, 1)]
    ReportingRound.objects.filter(pk=round_.pk).update(results_version=7)
    assert prepared.fetchall(_ROUNDS_SQL, [round_.slug]) == [(round_.pk, 7)]
    settings.DATABASE_PREPARED_STATEMENTS = False
    assert prepared.fetchall(_ROUNDS_SQL, [round_.slug]) == [(round_.pk, 7)]


@pytest.mark.django_db
def test_a_prepared_query_is_one_query_on_the_page_and_outlives_a_rollback():
    round_ = ReportingRoundFactory()
    sql = _ROUNDS_SQL + " AND id > %s"
    try:
        with transaction.atomic():
            prepared.fetchall(sql, [round_.slug, 0])  # prepared inside, then rolled back
            raise RuntimeError
    except RuntimeError:
        pass

    with CaptureQueriesContext(connection) as queries:
        rows = prepared.fetchall(sql, [round_.slug, 0])

    assert rows == [(round_.pk, 1)]
    assert len(queries) == 1
    if connection.vendor == "postgresql":
        assert queries[0]["sql"].startswith("EXECUTE portal_")


def test_placeholders_are_numbered_for_prepare():
    assert prepared._numbered("a = %s AND b LIKE 'x%%' AND c IN (%s, %s)") == (
        "a = $1 AND b LIKE 'x%' AND c IN ($2, $3)"
    )

"""Benchmark of the exports and the bulk import on the 98-municipality × 60-initiative round.

Run after `benchmarks/generate.py` has made the benchmark KKR (see docs/performance.md):

    python -m benchmarks.exports [round-slug]

It calls the views directly (no HTTP, no middleware) as the benchmark KKR's secretariat and
prints, for each case, the CPU time of this process (best of three runs) and the peak of the
memory Python allocated during one more run (tracemalloc, which slows the run it measures, so
it is measured apart), plus the process's peak RSS at the end. Nothing is left written: the
import's confirmation runs in a transaction that is rolled back.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable


def _cpu(action: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.process_time()
        result = action()
        best = min(best, time.process_time() - started)
    return best, result


def _peak_mb(action: Callable[[], object]) -> float:
    tracemalloc.start()
    action()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / (1024 * 1024)


def main(slug: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()

    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import RequestFactory
    from openpyxl import load_workbook

    from accounts.models import User
    from exports import services, views
    from exports.models import ImportFile
    from exports.spreadsheets import csv_lines
    from reporting.models import ReportEntry, ReportingRound

    round_ = ReportingRound.objects.select_related("framework__kkr").get(slug=slug)
    user = User.objects.get(email="sekretariat@benchmark-kkr.demo")
    entries = ReportEntry.objects.filter(report__round=round_).count()
    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def get(view, *args, **params):
        request = factory.get("/", params)
        request.user = user
        return view(request, *args)

    def body(response) -> bytes:
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content

    results: list[tuple[str, float, float]] = []

    def measure(name: str, action: Callable[[], object]) -> object:
        cpu, result = _cpu(action)
        results.append((name, cpu, _peak_mb(action)))
        print(f"{name}: {cpu:.2f} s, {results[-1][2]:.1f} MB", file=sys.stderr, flush=True)
        return result

    workbook = measure("XLSX of the round (4 sheets)", lambda: body(get(views.round_xlsx, slug)))
    measure("CSV of the round, whole", lambda: body(get(views.round_csv, slug)))

    def first_chunk() -> bytes:
        return next(iter(get(views.round_csv, slug).streaming_content))

    measure("CSV of the round, until the first bytes", first_chunk)
    measure(
        "XLSX of one municipality, every round",
        lambda: body(get(views.municipality_xlsx, round_.reports.first().municipality.code)),
    )
    measure("Open data JSON", lambda: body(get(views.open_data_json, slug)))

    # The import file: the round's own "Indsatser" sheet, a third of its levels moved.
    sheet = load_workbook(io.BytesIO(workbook), read_only=True)["Indsatser"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    level = rows[0].index("Status (0-4)")
    label = rows[0].index("Status")
    for number, row in enumerate(rows[1:]):
        row[label] = None
        if number % 3 == 0:
            row[level] = ((row[level] or 0) + 1) % 5
    import_csv = b"".join(csv_lines(rows[0], rows[1:]))

    def store() -> ImportFile:
        # Uncached: the upload parses the file, the preview then reads the parsed rows.
        cache.clear()
        return services.import_file_store(
            actor=user,
            round_=round_,
            upload=SimpleUploadedFile("svar.csv", import_csv),
            overwrite_approved=True,
        )

    def store_and_preview() -> bytes:
        stored = store()
        try:
            return body(get(views.import_preview, stored.pk))
        finally:
            stored.file.delete(save=False)
            stored.delete()

    measure(f"Import: upload and preview of a {len(rows) - 1:,}-row CSV", store_and_preview)

    xlsx_import = workbook

    def store_and_preview_xlsx() -> bytes:
        cache.clear()
        stored = services.import_file_store(
            actor=user,
            round_=round_,
            upload=SimpleUploadedFile("svar.xlsx", xlsx_import),
            overwrite_approved=True,
        )
        try:
            return body(get(views.import_preview, stored.pk))
        finally:
            stored.file.delete(save=False)
            stored.delete()

    measure(
        f"Import: upload and preview of the {len(rows) - 1:,}-row XLSX export",
        store_and_preview_xlsx,
    )

    def confirm() -> int:
        with transaction.atomic():
            stored = store()
            preview = services.import_file_preview(stored)
            count = services.import_file_confirm(actor=user, stored=stored, digest=preview.digest)
            stored.file.delete(save=False)
            transaction.set_rollback(True)
        return count

    started = time.perf_counter()
    cpu_started = time.process_time()
    count = confirm()
    wall = time.perf_counter() - started
    name = f"Import: confirm {count:,} changed entries (rolled back; wall {wall:.1f} s)"
    results.append((name, time.process_time() - cpu_started, float("nan")))

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Round {round_.title} ({round_.framework.kkr.name}): {entries:,} entries")
    print()
    print("| case | CPU (best of 3) | peak Python memory |")
    print("|---|---:|---:|")
    for name, cpu, peak in results:
        memory = "–" if peak != peak else f"{peak:.1f} MB"
        print(f"| {name} | {cpu:.2f} s | {memory} |")
    print()
    print(f"Peak RSS of the whole process (Django, data, every case): {rss:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmark-2025")

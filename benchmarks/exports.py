"""Benchmark of the exports and the bulk import on the 98-municipality × 60-initiative round.

Run after `benchmarks/generate.py` has made the benchmark KKR (see docs/performance.md):

    python -m benchmarks.exports [round-slug]

It calls the views and services directly (no HTTP, no middleware) as the benchmark KKR's
secretariat and prints, for each case, the CPU time of this process (best of three runs), the
wall-clock time of the best run, how far the process's resident memory rose above what it
held before the first run (the kernel's high-water mark, reset through /proc/self/clear_refs,
so C allocations such as lxml's count too), the peak of the memory Python allocated during one
more run (tracemalloc, which slows the run it measures, so it is measured apart), and the load
average at the time; then the issue's targets (issue 13) with the figures they are
judged by. Nothing is left written: the import's write runs in a transaction that is rolled
back. docs/performance-exports.md has the figures and the method.
"""

from __future__ import annotations

import io
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TARGETS = [
    # (case, what is judged, limit, unit)
    ("xlsx", "cpu", 3.0, "s CPU"),
    ("xlsx", "rss", 150.0, "MB resident memory above the process's own"),
    # "Starts streaming at once": the header goes out before any query is answered.
    ("csv_header", "wall", 0.1, "s until the first bytes"),
    ("preview_csv", "cpu", 5.0, "s CPU"),
    ("preview_xlsx", "cpu", 5.0, "s CPU"),
]


@dataclass
class Result:
    key: str
    name: str
    cpu: float
    wall: float
    python_mb: float
    rss_mb: float
    load: float

    def figure(self, measure: str) -> float:
        return {"cpu": self.cpu, "wall": self.wall, "rss": self.rss_mb}[measure]


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def _rss_rise_mb(action: Callable[[], object]) -> float:
    """How far the resident memory rose above its level before `action`, at its peak."""
    before = _status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS
    action()
    return (_status_kb("VmHWM") - before) / 1024


def _python_peak_mb(action: Callable[[], object]) -> float:
    tracemalloc.start()
    action()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / (1024 * 1024)


def _run(key: str, name: str, action: Callable[[], object], runs: int = 3) -> tuple[Result, object]:
    # Memory first: memory freed by a run stays with the process, so a later run's rise would
    # understate it. The first run also loads the modules it needs: an upper bound.
    rss = _rss_rise_mb(action)
    best_cpu, best_wall, result = float("inf"), float("inf"), None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if cpu < best_cpu:
            best_cpu, best_wall = cpu, wall
    python = _python_peak_mb(action)
    measured = Result(key, name, best_cpu, best_wall, python, rss, os.getloadavg()[0])
    print(
        f"{name}: {best_cpu:.2f} s CPU, {best_wall:.2f} s wall, {python:.1f} MB Python, "
        f"+{rss:.0f} MB RSS, load {measured.load:.1f}",
        file=sys.stderr,
        flush=True,
    )
    return measured, result


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

    results: list[Result] = []

    def measure(key: str, name: str, action: Callable[[], object]) -> object:
        measured, result = _run(key, name, action)
        results.append(measured)
        return result

    workbook = measure(
        "xlsx", "XLSX of the round (4 sheets)", lambda: body(get(views.round_xlsx, slug))
    )
    measure("csv", "CSV of the round, whole", lambda: body(get(views.round_csv, slug)))

    def first_bytes() -> bytes:
        return next(iter(get(views.round_csv, slug).streaming_content))

    measure("csv_header", "CSV of the round, until its first bytes (BOM and header)", first_bytes)

    def first_row() -> bytes:
        # The BOM and the header come first; the first data row is the second chunk.
        chunks = iter(get(views.round_csv, slug).streaming_content)
        next(chunks)
        return next(chunks)

    measure("csv_first", "CSV of the round, until its first row", first_row)
    measure(
        "municipality_xlsx",
        "XLSX of one municipality, every round",
        lambda: body(get(views.municipality_xlsx, round_.reports.first().municipality.code)),
    )
    measure("open_data", "Open data JSON", lambda: body(get(views.open_data_json, slug)))

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

    def store(name: str, data: bytes) -> ImportFile:
        # Uncached: the upload parses the file, the preview then reads the parsed rows.
        cache.clear()
        return services.import_file_store(
            actor=user,
            round_=round_,
            upload=SimpleUploadedFile(name, data),
            overwrite_approved=True,
        )

    def store_and_preview(name: str, data: bytes) -> Callable[[], bytes]:
        def run() -> bytes:
            stored = store(name, data)
            try:
                return body(get(views.import_preview, stored.pk))
            finally:
                stored.file.delete(save=False)
                stored.delete()

        return run

    count_rows = f"{len(rows) - 1:,}"
    measure(
        "preview_csv",
        f"Import: upload and dry run of a {count_rows}-row CSV",
        store_and_preview("svar.csv", import_csv),
    )
    measure(
        "preview_xlsx",
        f"Import: upload and dry run of the {count_rows}-row XLSX export",
        store_and_preview("svar.xlsx", workbook),
    )

    def apply() -> int:
        # What the import job does after the confirmation, rolled back.
        with transaction.atomic():
            stored = store("svar.csv", import_csv)
            preview = services.import_file_preview(stored)
            count = services.import_file_apply(actor=user, stored=stored, digest=preview.digest)
            stored.file.delete(save=False)
            transaction.set_rollback(True)
        return count

    wall, cpu = time.perf_counter(), time.process_time()
    count = apply()
    results.append(
        Result(
            "apply",
            f"Import job: write {count:,} changed entries (rolled back, one run)",
            time.process_time() - cpu,
            time.perf_counter() - wall,
            float("nan"),
            float("nan"),
            os.getloadavg()[0],
        )
    )

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Round {round_.title} ({round_.framework.kkr.name}): {entries:,} entries")
    print(
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, load average now "
        + ", ".join(f"{value:.1f}" for value in os.getloadavg())
    )
    print()
    print(
        "| case | CPU (best of 3) | wall (that run) | peak Python memory "
        "| RSS rise (first run) | load |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:

        def mb(value: float) -> str:
            return "–" if value != value else f"{value:.0f} MB"

        print(
            f"| {r.name} | {r.cpu:.2f} s | {r.wall:.2f} s | {mb(r.python_mb)} | "
            f"{mb(r.rss_mb)} | {r.load:.1f} |"
        )
    print()
    print(f"Peak RSS of the whole process (Django, data, every case): {rss:.0f} MB")
    print()
    print("Targets (issue 13):")
    by_key = {r.key: r for r in results}
    for key, measure_name, limit, unit in TARGETS:
        figure = by_key[key].figure(measure_name)
        verdict = "met" if figure < limit else "MISSED"
        print(f"- {by_key[key].name}: {figure:.2f} < {limit:g} {unit}: {verdict}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmark-2025")

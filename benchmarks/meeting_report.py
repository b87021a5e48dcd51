"""Benchmark of the KKR meeting report (PDF): 29 municipalities, and 98 × 60 initiatives.

Run after `seed_demo` (Hovedstaden: 29 municipalities, three rounds) and, for the large case,
`benchmarks/generate.py` (98 municipalities × 60 initiatives, 20 rounds; docs/performance.md):

    python -m benchmarks.meeting_report [round-slug …]

By default it measures the demo's latest closed round and the benchmark KKR's latest round.
For each round it builds the report as the job does (selectors, templates, WeasyPrint) twice
for the wall-clock and CPU time of this process (the first build in a fresh process also pays
for loading the templates and the fonts; a worker pays that once), and once more under
tracemalloc for the peak of the memory Python allocated (tracemalloc slows the run it
measures, so it is measured apart), then prints the pages, the file's size and the process's
peak RSS. Nothing is written.
Targets (issue 13): 29 municipalities under 10 s, 98 × 60 under 60 s.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import time
import tracemalloc

DEFAULT_ROUNDS = ["statusopfoelgning-2025", "benchmark-2025"]


def main(slugs: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()

    from django.utils import translation
    from pypdf import PdfReader

    from material.pdf import render_meeting_report
    from material.selectors import meeting_report
    from reporting.models import ReportingRound

    def build(round_: ReportingRound) -> bytes:
        with translation.override("da"):
            return render_meeting_report(meeting_report(round_=round_))

    for slug in slugs:
        round_ = ReportingRound.objects.select_related("framework").get(slug=slug)
        municipalities = round_.reports.count()
        initiatives = round_.framework.initiatives.count()
        timings = []
        for _run in range(2):
            wall, cpu = time.perf_counter(), time.process_time()
            pdf = build(round_)
            timings.append((time.perf_counter() - wall, time.process_time() - cpu))
        tracemalloc.start()
        build(round_)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{slug}: {municipalities} municipalities × {initiatives} initiatives, "
            f"{pages} pages, {len(pdf) / 1024:.0f} KB: "
            + ", then ".join(f"{wall:.1f} s wall, {cpu:.1f} s CPU" for wall, cpu in timings)
            + f"; {peak / (1024 * 1024):.0f} MB peak (tracemalloc)",
            flush=True,
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {rss:.0f} MB", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT_ROUNDS)

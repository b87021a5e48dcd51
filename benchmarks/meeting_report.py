"""Benchmark of the KKR meeting report (PDF): 29 municipalities, and 98 × 60 initiatives.

Run after `seed_demo` (Hovedstaden: 29 municipalities, three rounds) and, for the large case,
`benchmarks/generate.py` (98 municipalities × 60 initiatives, 20 rounds; docs/performance.md):

    python -m benchmarks.meeting_report [--runs N] [--tracemalloc] [round-slug …]

By default it measures the demo's latest closed round and the benchmark KKR's latest round.
For each round it builds the report as the job does (selectors, templates, WeasyPrint) `--runs`
times (default 2) for the wall-clock and CPU time of this process (the first build in a fresh
process also pays for loading the templates and the fonts; a worker pays that once) and
reports how far the process's resident memory rose above what it held before the first build
(the kernel's high-water mark, reset through /proc/self/clear_refs, so WeasyPrint's and
Pango's C allocations count), with the load average after each build. `--tracemalloc` adds one
more build under tracemalloc for the peak of the memory Python itself allocated (slow). Then
the pages, the file's size, and the issue's targets. Nothing is written.
Targets (issue 13): 29 municipalities under 10 s, 98 × 60 under 60 s (CPU time of the best
build: on this shared machine the wall-clock time measures the other engineers' load).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import time
import tracemalloc
from pathlib import Path

DEFAULT_ROUNDS = ["statusopfoelgning-2025", "benchmark-2025"]
# Seconds of CPU by the number of municipalities in the round (issue 13).
TARGETS = {29: 10.0, 98: 60.0}


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def main(slugs: list[str], runs: int, with_tracemalloc: bool) -> None:
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

    verdicts = []
    for slug in slugs:
        round_ = ReportingRound.objects.select_related("framework").get(slug=slug)
        municipalities = round_.reports.count()
        initiatives = round_.framework.initiatives.count()
        timings = []
        before = _status_kb("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS
        for _run in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            pdf = build(round_)
            timings.append(
                (time.perf_counter() - wall, time.process_time() - cpu, os.getloadavg()[0])
            )
        rise = (_status_kb("VmHWM") - before) / 1024
        python = ""
        if with_tracemalloc:
            tracemalloc.start()
            build(round_)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            python = f", {peak / (1024 * 1024):.0f} MB peak Python memory (tracemalloc)"
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{slug}: {municipalities} municipalities × {initiatives} initiatives, "
            f"{pages} pages, {len(pdf) / 1024:.0f} KB: "
            + ", then ".join(
                f"{wall:.1f} s wall, {cpu:.1f} s CPU (load {load:.1f})"
                for wall, cpu, load in timings
            )
            + f"; resident memory +{rise:.0f} MB{python}",
            flush=True,
        )
        limit = TARGETS.get(municipalities)
        if limit is not None:
            best = min(cpu for _wall, cpu, _load in timings)
            verdict = "met" if best < limit else "MISSED"
            verdicts.append(
                f"- {municipalities} municipalities × {initiatives} initiatives: "
                f"{best:.1f} s CPU < {limit:g} s: {verdict}"
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {rss:.0f} MB", flush=True)
    if verdicts:
        print("Targets (issue 13):", *verdicts, sep="\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("slugs", nargs="*", default=DEFAULT_ROUNDS)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--tracemalloc", action="store_true")
    arguments = parser.parse_args()
    main(arguments.slugs, arguments.runs, arguments.tracemalloc)

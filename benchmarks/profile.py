"""Time (and optionally profile) dashboard pages in-process, without the network or gunicorn.

    python -m benchmarks.profile kkr98 heat_map [--n 20] [--cold] [--profile]
    python -m benchmarks.profile hovedstaden --ratios [--n 30] [--repeat 3]

CPU time per request is much less sensitive to other load on the machine than wrk's figures.
Uses the same environment as benchmarks/run.sh (export its variables first).

`--cold` computes every figure on every request as run.sh's cold gunicorn does
(DASHBOARD_CACHE_SECONDS=0: every dashboard entry expires at once). `--ratios` measures the
floor and chrome references and every dashboard page, warm and cold, in one process and
prints the issue's ratios (the targets of benchmarks/report.py) from wall-clock medians; the
pages take turns, `--repeat` times, so that a burst of other load on a shared machine falls
on all of them alike. It then prints each computed page's time in the database ("cold db")
beside the time in which a cold page would meet its target.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import statistics
import time

REFERENCES = ("floor", "chrome")
DASHBOARD_PAGES = ("overview", "heat_map", "trend", "changes", "municipality", "initiative")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset")
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--cold", action="store_true", help="compute every figure each time")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--ratios", action="store_true", help="the issue's ratios, warm and cold")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of turns for --ratios")
    parser.add_argument("--targets", default="benchmarks/out/targets.json")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    with open(args.targets, encoding="utf-8") as handle:
        data = json.load(handle)[args.dataset]
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = data["sessions"][0]

    def measure(path: str, n: int, profiler: cProfile.Profile | None = None, db: bool = False):
        """Wall and CPU ms per request, the body's size and, with `db`, the ms per request
        spent in the database driver's `execute` (the queries, not the rows' conversion)."""
        wall, cpu, in_db = [], [], []
        response = None
        for _ in range(n):
            spent = [0.0]

            def timed(execute, sql, params, many, context, spent=spent):
                start = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent[0] += time.perf_counter() - start

            with connection.execute_wrapper(timed) if db else contextlib.nullcontext():
                w0, c0 = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                response = client.get(path)
                if profiler:
                    profiler.disable()
                wall.append((time.perf_counter() - w0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            in_db.append(spent[0] * 1000)
        assert response is not None
        assert response.status_code == 200, path
        return wall, cpu, len(response.content), in_db

    if args.ratios:
        ratios(data, measure, settings, args)
        return
    if args.cold:
        cache.clear()
        settings.DASHBOARD_CACHE_SECONDS = 0
    for page in args.pages:
        path = data["pages"][page]
        assert client.get(path).status_code == 200, path
        profiler = cProfile.Profile() if args.profile else None
        wall, cpu, size, _db = measure(path, args.n, profiler)
        print(
            f"{args.dataset} {page}: wall median {statistics.median(wall):.1f} ms, "
            f"CPU median {statistics.median(cpu):.1f} ms, {size} bytes"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


def ratios(data: dict, measure, settings, args) -> None:
    from django.core.cache import cache

    pages = args.pages or [*REFERENCES, *DASHBOARD_PAGES]
    pages = [*REFERENCES, *(p for p in pages if p not in REFERENCES)]
    cache_seconds = settings.DASHBOARD_CACHE_SECONDS
    medians: dict[tuple[str, str], float] = {}
    for mode in ("warm", "cold"):
        # Cold as run.sh's cold gunicorn: nothing kept from the warm turn, nothing kept now.
        cache.clear()
        settings.DASHBOARD_CACHE_SECONDS = cache_seconds if mode == "warm" else 0
        walls: dict[str, list[float]] = {page: [] for page in pages}
        for page in pages:
            measure(data["pages"][page], 2)  # templates loaded; warm: figures cached
        for _ in range(args.repeat):
            for page in pages:
                walls[page] += measure(data["pages"][page], args.n)[0]
        for page in pages:
            medians[(mode, page)] = statistics.median(walls[page])
    # The database's share of a computed page, measured apart so that the timing wrapper
    # does not weigh on the ratios above.
    in_db = {page: measure(data["pages"][page], args.n, db=True)[3] for page in pages}
    settings.DASHBOARD_CACHE_SECONDS = cache_seconds

    print(f"{args.dataset}: wall-clock median per request, ms (n = {args.n} × {args.repeat})")
    print(f"{'page':<14}{'warm':>8}{'cold':>8}{'cold db':>9}")
    for page in pages:
        print(
            f"{page:<14}{medians[('warm', page)]:>8.2f}{medians[('cold', page)]:>8.2f}"
            f"{statistics.median(in_db[page]):>9.2f}"
        )
    # A throughput ratio is the inverse ratio of the time per request.
    print(
        f"\nchrome / floor: {medians[('warm', 'floor')] / medians[('warm', 'chrome')]:.2f} (≥ 0.7)"
    )
    cold_target = 0.5 if data["municipalities"] < 50 else 0.25
    print(
        f"a cold page meets its target in {medians[('cold', 'chrome')] / cold_target:.2f} ms "
        "or less, its queries included ('cold db')"
    )
    for page in pages:
        if page in REFERENCES:
            continue
        warm = medians[("warm", "chrome")] / medians[("warm", page)]
        cold = medians[("cold", "chrome")] / medians[("cold", page)]
        print(
            f"{page:<14} warm {warm:.2f} × chrome (≥ 0.8), cold {cold:.2f} × chrome "
            f"(≥ {cold_target})"
        )


if __name__ == "__main__":
    main()

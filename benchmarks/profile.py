"""Time (and optionally profile) dashboard pages in-process, without the network or gunicorn.

    python -m benchmarks.profile kkr98 heat_map [--n 20] [--cold] [--profile]

CPU time per request is much less sensitive to other load on the machine than wrk's figures.
Uses the same environment as benchmarks/run.sh (export its variables first).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset")
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--cold", action="store_true", help="clear the cache before each request")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--targets", default="benchmarks/out/targets.json")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    with open(args.targets, encoding="utf-8") as handle:
        data = json.load(handle)[args.dataset]
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = data["sessions"][0]
    for page in args.pages:
        path = data["pages"][page]
        assert client.get(path).status_code == 200, path
        wall, cpu = [], []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.n):
            if args.cold:
                cache.clear()
            w0, c0 = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            response = client.get(path)
            if profiler:
                profiler.disable()
            wall.append((time.perf_counter() - w0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        print(
            f"{args.dataset} {page}: wall median {statistics.median(wall):.1f} ms, "
            f"CPU median {statistics.median(cpu):.1f} ms, {len(response.content)} bytes"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()

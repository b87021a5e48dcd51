"""One RESULT line from a page's turns (benchmarks/run.sh): wrk's output files, each with its
RESULT line and a LOAD line.

    python benchmarks/turns.py out/raw/warm-kkr98-overview.1.txt out/raw/warm-kkr98-overview.2.txt

Every turn lasts the same DURATION, so the page's requests/s is the mean of the turns'; counts
add up; latency percentiles cannot be merged from wrk's summaries, so each is the median of the
turns' (max: the largest); the load is the mean of the loads when the turns started.
"""

from __future__ import annotations

import re
import statistics
import sys

SUMMED = ("requests", "bytes", "non2xx", "socket_errors")
MEDIAN = ("p50", "p95", "p99")


def combine(texts: list[str]) -> str:
    turns, loads = [], []
    for text in texts:
        result = next(line for line in text.splitlines() if line.startswith("RESULT"))
        turns.append({k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", result)})
        loads += [float(line.split()[1]) for line in text.splitlines() if line.startswith("LOAD")]
    values = {
        "rps": statistics.mean(t["rps"] for t in turns),
        **{key: statistics.median(t[key] for t in turns) for key in MEDIAN},
        "max": max(t["max"] for t in turns),
    }
    counts = {key: int(sum(t[key] for t in turns)) for key in SUMMED}
    load = statistics.mean(loads) if loads else 0.0
    return (
        "RESULT "
        + " ".join(f"{key}={value:.2f}" for key, value in values.items())
        + " "
        + " ".join(f"{key}={value}" for key, value in counts.items())
        + f" load={load:.2f}"
    )


if __name__ == "__main__":
    contents = []
    for name in sys.argv[1:]:
        with open(name, encoding="utf-8") as handle:
            contents.append(handle.read())
    print(combine(contents))

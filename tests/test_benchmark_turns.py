"""benchmarks/run.sh combines a page's turns into one result (benchmarks/turns.py)."""

from benchmarks.turns import combine

TURN = (
    "Running 5s test @ http://127.0.0.1:8765/bench/chrome/\n"
    "RESULT rps={rps} p50={p50} p95=9.00 p99=12.00 max={max} requests={requests} bytes=5000 "
    "non2xx=0 socket_errors={errors}\n"
    "LOAD {load}\n"
)


def test_turns_combine_into_the_mean_rate_summed_counts_and_median_latencies():
    turns = [
        TURN.format(rps=500, p50=10, max=30, requests=2500, errors=0, load=1.0),
        TURN.format(rps=700, p50=14, max=90, requests=3500, errors=2, load=2.0),
        TURN.format(rps=600, p50=11, max=20, requests=3000, errors=0, load=3.0),
    ]

    assert combine(turns) == (
        "RESULT rps=600.00 p50=11.00 p95=9.00 p99=12.00 max=90.00 requests=9000 bytes=15000 "
        "non2xx=0 socket_errors=2 load=2.00"
    )

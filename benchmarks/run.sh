#!/usr/bin/env bash
# Dashboard load benchmark, one command:   benchmarks/run.sh
#
# Builds a PostgreSQL database `psykiatriportalen_bench` from scratch (98-municipality synthetic
# KKR with 20 rounds × 60 initiatives, plus 3 rounds for the Hovedstaden demo framework), serves
# the portal with gunicorn under production settings, and measures every dashboard page with
# wrk next to the references served by the same gunicorn: the floor (a signed-in page with a
# fixed body), the chrome (base.html around an empty page), a static file of the heat map's
# size and a bare page with the heat map's cells from one SQL query. Warm (Redis cache kept)
# and cold (DASHBOARD_CACHE_SECONDS=0: every figure and page computed on every request) are
# separate runs. The targets are the issue's ratios between pages of the same run (chrome /
# floor, warm and cold pages / chrome; benchmarks/report.py). The pages take turns: each is
# measured TURNS times for DURATION, one page after the other, so that a drift of the machine
# (the same chrome measured 564 and 737 req/s a minute apart) falls on every page alike; a
# page's figures combine its turns (benchmarks/turns.py). Between turns the server finishes
# what wrk left queued (drain), so that no page pays for the one before it. Django's line per
# request goes to benchmarks/out/requests-<mode>.log. Writes docs/performance-results.md and
# prints it. Traffic goes to 127.0.0.1 only.
#
# Knobs (environment): DURATION=5s (per turn)  TURNS=3  CONNECTIONS=10  THREADS=2  WORKERS=2
#   MODES="warm cold"
#   DATASETS="kkr98 hovedstaden"  PAGES="static floor chrome bare overview heat_map trend changes municipality
#   initiative"  SKIP_GENERATE=1 (reuse the database)  RESULTS=docs/performance-results.md
#   PYTHON=path/to/python (default .venv/bin/python, else python3)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
TURNS=${TURNS:-3}
CONNECTIONS=${CONNECTIONS:-10}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
MODES=${MODES:-warm cold}
DATASETS=${DATASETS:-kkr98 hovedstaden}
PAGES=${PAGES:-static floor chrome bare overview heat_map trend changes municipality initiative}
RESULTS=${RESULTS:-docs/performance-results.md}
PORT=8765
BASE=http://127.0.0.1:$PORT
OUT=benchmarks/out
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
GUNICORN="$(dirname "$PYTHON")/gunicorn"

export DEBUG=false
export SECRET_KEY=benchmark-only-secret-key-not-for-production
export ALLOWED_HOSTS=127.0.0.1
export SECURE_HTTPS=false  # plain HTTP on loopback (README: "In production")
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/psykiatriportalen_bench
export REDIS_URL=redis://127.0.0.1:6379/5
export STATICFILES_BACKEND=core.staticfiles.ManifestStaticStorage
export ROOT_URLCONF=benchmarks.urls
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export LOG_LEVEL=WARNING

mkdir -p "$OUT/raw"
started=$(date +%s)
log() { printf '[%3ds] %s\n' $(($(date +%s) - started)) "$*"; }

if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get install -y -q wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
fi
command -v "$GUNICORN" >/dev/null || { echo "gunicorn missing: pip install -e ." >&2; exit 1; }

if [[ -z "${SKIP_GENERATE:-}" ]]; then
  log "database psykiatriportalen_bench: drop, create, migrate"
  psql -q -h 127.0.0.1 -U postgres -d postgres \
    -c "DROP DATABASE IF EXISTS psykiatriportalen_bench WITH (FORCE)" \
    -c "CREATE DATABASE psykiatriportalen_bench"
  $PYTHON manage.py migrate -v 0
  $PYTHON manage.py loaddata -v 0 municipalities frameworks
  if $PYTHON manage.py help seed_demo >/dev/null 2>&1; then
    $PYTHON manage.py seed_demo >/dev/null
  fi
  log "generating data"
  $PYTHON -m benchmarks.generate "$OUT/targets.json"
  psql -q -h 127.0.0.1 -U postgres -d psykiatriportalen_bench -c "VACUUM ANALYZE"
  log "collectstatic"
  $PYTHON manage.py collectstatic --noinput -v 0
fi

# target <dataset> <field>  (field: a page name, or "cookies")
target() {
  $PYTHON - "$OUT/targets.json" "$1" "$2" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))[sys.argv[2]]
field = sys.argv[3]
if field == "cookies":
    print(" ".join(data["sessions"]))
elif field == "static":
    print(f"/static/bench/{sys.argv[2]}-heat-map-size.html")
else:
    print(data["pages"][field])
EOF
}

GUNICORN_PID=""
stop_gunicorn() {
  if [[ -n "$GUNICORN_PID" ]]; then
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
    GUNICORN_PID=""
  fi
}
trap stop_gunicorn EXIT

start_gunicorn() {  # start_gunicorn <cache seconds> <log name>
  # No worker recycling (gunicorn.conf.py restarts a worker every ~2,000 requests): at 300-1,000
  # requests/s a restart fell inside most 8-second windows, cost its page a second of one of the
  # two workers, and threw the references about by up to 2x between otherwise equal runs.
  GUNICORN_MAX_REQUESTS=0 DASHBOARD_CACHE_SECONDS=$1 "$GUNICORN" portal.wsgi -w "$WORKERS" --threads 1 \
    -b 127.0.0.1:$PORT --error-logfile "$OUT/gunicorn-$2.log" >"$OUT/requests-$2.log" &
  GUNICORN_PID=$!
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "$BASE/konto/log-ind/"; then return 0; fi
    sleep 0.1
  done
  echo "gunicorn did not start; see $OUT/gunicorn-$2.log" >&2
  exit 1
}

drain() {  # drain: the requests a turn's wrk left queued are served before the next turn starts
  # wrk stops with up to CONNECTIONS requests still queued in gunicorn's backlog. A slow page's
  # leftovers (the bare page: ~1 s of both workers) were served inside the next page's turn.
  # One request per worker, twice, queued behind them: when they are answered, so are those.
  local pids
  for _ in 1 2; do
    pids=()
    for _ in $(seq 1 "$WORKERS"); do
      curl -s -o /dev/null --max-time 60 "$BASE/konto/log-ind/" &
      pids+=($!)
    done
    wait "${pids[@]}"
  done
}

fetch() {  # fetch <path> <cookies>: prints "status bytes"
  curl -s -o /dev/null -w '%{http_code} %{size_download}\n' \
    -H "Cookie: sessionid=${2%% *}" "$BASE$1"
}

# The static reference: a file of exactly the heat map page's size, under STATIC_ROOT before
# gunicorn starts (WhiteNoise indexes the files at start-up).
log "measuring heat map sizes for the static references"
redis-cli -h 127.0.0.1 -n 5 FLUSHDB >/dev/null
start_gunicorn 3600 sizes
mkdir -p staticfiles/bench
for dataset in $DATASETS; do
  read -r status bytes < <(fetch "$(target "$dataset" heat_map)" "$(target "$dataset" cookies)")
  [[ $status == 200 ]] || { echo "heat map of $dataset answered $status" >&2; exit 1; }
  $PYTHON -c "import sys; open(sys.argv[1], 'w').write('<!-- static reference -->' + 'x' * (int(sys.argv[2]) - 25))" \
    "staticfiles/bench/$dataset-heat-map-size.html" "$bytes"
done
stop_gunicorn

TSV="$OUT/results.tsv"
: >"$TSV"
for mode in $MODES; do
  if [[ $mode == warm ]]; then seconds=3600; else seconds=0; fi
  redis-cli -h 127.0.0.1 -n 5 FLUSHDB >/dev/null
  log "$mode run: gunicorn -w $WORKERS, DASHBOARD_CACHE_SECONDS=$seconds"
  start_gunicorn "$seconds" "$mode"
  for dataset in $DATASETS; do
    cookies=$(target "$dataset" cookies)
    declare -A sizes=()
    for page in $PAGES; do
      path=$(target "$dataset" "$page")
      # Two requests first: templates load, and in the warm run the figures are cached.
      fetch "$path" "$cookies" >/dev/null
      read -r status bytes < <(fetch "$path" "$cookies")
      [[ $status == 200 ]] || { echo "$path answered $status" >&2; exit 1; }
      sizes[$page]=$bytes
      rm -f "$OUT/raw/$mode-$dataset-$page".*.txt
    done
    for turn in $(seq 1 "$TURNS"); do
      for page in $PAGES; do
        raw="$OUT/raw/$mode-$dataset-$page.$turn.txt"
        load=$(cut -d' ' -f1 /proc/loadavg)  # other work on the machine skews the figures
        BENCH_COOKIES=$cookies wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
          --timeout 10s -s benchmarks/wrk.lua "$BASE$(target "$dataset" "$page")" >"$raw"
        echo "LOAD $load" >>"$raw"
        drain
        log "$mode $dataset $page, turn $turn/$TURNS: $(grep '^RESULT' "$raw" | cut -d' ' -f2-3)"
      done
    done
    for page in $PAGES; do
      result=$($PYTHON benchmarks/turns.py "$OUT/raw/$mode-$dataset-$page".*.txt)
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$dataset" "$page" "$(target "$dataset" "$page")" \
        "${sizes[$page]}" "$result" >>"$TSV"
      log "$mode $dataset $page: ${result#RESULT }"
    done
  done
  stop_gunicorn
done

$PYTHON benchmarks/report.py "$TSV" "$OUT/targets.json" "$WORKERS" "$DURATION" "$CONNECTIONS" \
  "$THREADS" "$TURNS" >"$RESULTS"
cat "$RESULTS"
log "done: $RESULTS"

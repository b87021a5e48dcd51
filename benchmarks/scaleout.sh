#!/usr/bin/env bash
# Scale-out, load and fault runs, one command each (numbers in docs/load-and-faults.md):
#
#   benchmarks/scaleout.sh             two instances behind HAProxy, all 29 coordinators
#   benchmarks/scaleout.sh kill        ... and instance B is killed (SIGKILL) mid-load
#   benchmarks/scaleout.sh postgres    ... and PostgreSQL is restarted mid-load
#   benchmarks/scaleout.sh redis       ... and Redis is stopped mid-load, started 10 s later
#
# Builds the database psyk_ops (drop, migrate, reference data, seed_demo) unless SKIP_SETUP=1,
# serves the portal with production settings from two gunicorn instances (127.0.0.1:8801 and
# :8802, gunicorn.conf.py, three workers each) behind HAProxy on 127.0.0.1:8800, runs
# benchmarks/saves.py through the balancer and checks the database afterwards. Traffic goes
# to 127.0.0.1 only. The postgres and redis runs restart services that other programs on this
# machine share: run them rarely; the service is started again at once.
#
# Knobs (environment): DURATION=60 (seconds of load)  FAULT_AT=20 (seconds into the load)
#   THINK=2 (seconds a coordinator pauses before and after loading the form)
#   REDIS_DOWN=10 (seconds)  WORKERS=2 (page workers per instance, plus one for the health
#   check)  SKIP_SETUP=1  PG_VERSION=15
set -euo pipefail
cd "$(dirname "$0")/.."

FAULT=${1:-none}
DURATION=${DURATION:-60}
FAULT_AT=${FAULT_AT:-20}
REDIS_DOWN=${REDIS_DOWN:-10}
WORKERS=${WORKERS:-2}
PG_VERSION=${PG_VERSION:-15}
OUT=benchmarks/out/scaleout
PYTHON=${PYTHON:-.venv/bin/python}
GUNICORN="$(dirname "$PYTHON")/gunicorn"
LB=http://127.0.0.1:8800

export DEBUG=false
export SECRET_KEY=scaleout-only-secret-key-not-for-production
export ALLOWED_HOSTS=127.0.0.1
export SECURE_COOKIES=false SECURE_HTTPS=false
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/psyk_ops
export REDIS_URL=redis://127.0.0.1:6379/3
export STATIC_ROOT="$PWD/staticfiles"
export MEDIA_ROOT="$PWD/$OUT/media"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export LOG_LEVEL=WARNING
export CONN_MAX_AGE=300

case "$FAULT" in none | kill | postgres | redis) ;; *)
  echo "usage: benchmarks/scaleout.sh [none|kill|postgres|redis]" >&2
  exit 2
  ;;
esac

mkdir -p "$OUT"
started=$(date +%s)
log() { printf '[%3ds] %s\n' $(($(date +%s) - started)) "$*"; }

command -v haproxy >/dev/null || { apt-get update -q && apt-get install -y -q haproxy; }

if [[ -z "${SKIP_SETUP:-}" ]]; then
  log "database psyk_ops: drop, create, migrate, reference data, demo"
  psql -q -h 127.0.0.1 -U postgres -d postgres \
    -c "DROP DATABASE IF EXISTS psyk_ops WITH (FORCE)" -c "CREATE DATABASE psyk_ops"
  $PYTHON manage.py migrate -v 0
  $PYTHON manage.py loaddata -v 0 municipalities frameworks
  $PYTHON manage.py seed_demo >/dev/null
fi
# collectstatic compresses every file (a minute or two): only when static/ changed.
if [[ ! -f "$STATIC_ROOT/staticfiles.json" ]] ||
  [[ -n "$(find static -newer "$STATIC_ROOT/staticfiles.json" -type f -print -quit)" ]]; then
  log "collectstatic"
  $PYTHON manage.py collectstatic --noinput -v 0
fi
$PYTHON -m benchmarks.saves prepare

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  [[ -f "$OUT/haproxy.pid" ]] && kill "$(cat "$OUT/haproxy.pid")" 2>/dev/null || true
  rm -f "$OUT/haproxy.pid"
}
trap stop_all EXIT

start_instance() { # name port
  # One worker more than the balancer sends pages to: the health check never waits behind one.
  setsid "$GUNICORN" portal.wsgi -c gunicorn.conf.py --bind "127.0.0.1:$2" --workers "$((WORKERS + 1))" \
    >"$OUT/$1.log" 2>&1 &
  pids+=($!)
  echo $! >"$OUT/$1.pid"
}
start_instance a 8801
start_instance b 8802

cat >"$OUT/haproxy.cfg" <<EOF
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 35s
    timeout http-request 10s
    timeout queue 60s
    timeout check 5s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    option http-buffer-request
    errorfile 503 $PWD/deploy/haproxy/503.http
frontend portal
    bind 127.0.0.1:8800
    unique-id-format %[uuid()]
    http-request set-header X-Request-ID %[unique-id]
    option forwardfor
    default_backend portal
backend portal
    balance roundrobin
    option httpchk
    http-check send meth GET uri /sundhed/instans/ ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 1s fall 3 rise 2 maxconn $WORKERS observe layer4 error-limit 1 on-error mark-down
    server a 127.0.0.1:8801 check
    server b 127.0.0.1:8802 check
EOF
haproxy -c -q -f "$OUT/haproxy.cfg"
haproxy -D -f "$OUT/haproxy.cfg" -p "$OUT/haproxy.pid"

for _ in $(seq 1 60); do
  a=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8801/sundhed/instans/ || true)
  b=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8802/sundhed/instans/ || true)
  [[ "$a" == 200 && "$b" == 200 ]] && break
  for name in a b; do
    kill -0 "$(cat "$OUT/$name.pid")" 2>/dev/null || { tail "$OUT/$name.log" >&2; exit 1; }
  done
  sleep 1
done
sleep 3 # the balancer's checks see both instances up
log "instances a (8801) and b (8802) up behind HAProxy ($LB); health: $(curl -s $LB/sundhed/ | tr '\n' ' ')"

faults=()
case "$FAULT" in
kill) faults=(--fault-at "$FAULT_AT" --fault-cmd "/bin/kill -s KILL -- -$(cat "$OUT/b.pid")") ;;
postgres)
  faults=(--fault-at "$FAULT_AT"
    --fault-cmd "pg_ctlcluster --skip-systemctl-redirect $PG_VERSION main restart")
  ;;
redis)
  faults=(--fault-at "$FAULT_AT" --fault-cmd "redis-cli shutdown"
    --fault-at "$((FAULT_AT + REDIS_DOWN))" --fault-cmd "redis-server /etc/redis/redis.conf")
  ;;
esac

log "load: 29 coordinators for $DURATION s, fault: $FAULT"
$PYTHON -m benchmarks.saves drive "$LB" "$DURATION" "$OUT/$FAULT.json" "${faults[@]}"
# Redis is started again by the run itself; make sure, whatever happened to the run.
if [[ "$FAULT" == redis ]] && ! redis-cli ping >/dev/null 2>&1; then
  redis-server /etc/redis/redis.conf
fi
log "health after the run: $(curl -s $LB/sundhed/ | tr '\n' ' ')"
status=0
$PYTHON -m benchmarks.saves verify "$OUT/$FAULT.json" || status=$?
echo
echo "== scale-out run: $FAULT =="
$PYTHON -m benchmarks.saves summary "$OUT/$FAULT.json" --logs "$OUT/a.log" "$OUT/b.log"
exit $status

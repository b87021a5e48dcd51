"""gunicorn settings for Psykiatriportalen, read by `gunicorn portal.wsgi` from this folder.

Every value can be changed by an environment variable of the same name in upper case
(GUNICORN_WORKERS, GUNICORN_TIMEOUT, ...), so one file serves every server; see
docs/deployment.md and docs/decisions/0015-operations.md for the reasons.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: a page is short CPU work plus a few queries (docs/performance.md), and the
# database connection is kept per worker (CONN_MAX_AGE). Two per core: on two cores four
# workers served 10-20 % more than two, because a worker sometimes waits on PostgreSQL.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2)
worker_class = "sync"

# The slowest page measured answers in 0.2-0.4 s at p95 under load (docs/performance.md); a
# worker silent for 30 s is stuck and is replaced. A restart or a stop lets
# running requests finish for up to graceful_timeout first.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep-alive only matters behind the load balancer, which reuses its connections.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# A worker is replaced after this many requests (with jitter, so they do not all restart at
# once), which bounds the memory a slow leak in a library could take.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Uploads are at most 10 MB (core/uploads.py); anything larger is refused by
# Django before it is read, so gunicorn only bounds the request line and headers.
limit_request_line = 8190
limit_request_fields = 100

# The load balancer's address: only from there are X-Forwarded-For and X-Forwarded-Proto
# believed. A comma-separated list, "*" only when nothing else can reach the port.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# No access log: Django writes one JSON line per request with its request id and the user's
# id (core.middleware.RequestLogMiddleware); gunicorn's own messages go out as JSON too.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {
            "level": loglevel.upper(),
            "handlers": ["error_console"],
            "propagate": False,
        },
    },
}

# Workers import the application after the fork, each with its own database connection.
preload_app = False

"""Handing work to the task queue, and delivering the mail outbox.

`enqueue()` is how every web request starts a task: a broker that cannot be reached is
logged, never raised, because the work is already stored (an outbox row, a queued job) and
a periodic task hands it out again. Without a broker (`CELERY_TASK_ALWAYS_EAGER`) the task
runs right here, and its failure is recorded (django-celery-results) instead of raised.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task, shared_task
from django.core.cache import cache
from django.db import DatabaseError
from kombu.exceptions import OperationalError
from post_office.mail import get_queued, send_queued

logger = logging.getLogger(__name__)

# Every periodic task is idempotent, so a transient failure (the database, the cache, the
# network) is simply tried again, waiting 1, 2, 4 … up to 10 minutes between tries.
RETRY_POLICY: dict[str, Any] = {
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}

# After the broker failed to answer, tasks are not offered to it for this long: a request that
# queues 29 e-mails (opening a round) would otherwise wait for the broker 29 times.
BROKER_PAUSE_SECONDS = 10.0
_broker_down_until = 0.0

OUTBOX_LOCK = "core.tasks.deliver_outbox:lock"
# Longer than a delivery run can take (post-office gives up on a batch after 180 s).
OUTBOX_LOCK_SECONDS = 300


def enqueue(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Hand a task to the broker; False, and a warning in the log, if it cannot be reached."""
    global _broker_down_until
    if not task.app.conf.task_always_eager and time.monotonic() < _broker_down_until:
        logger.warning("The broker was just unreachable; %s is left for a periodic run.", task.name)
        return False
    try:
        task.delay(*args, **kwargs)
    except (OperationalError, OSError):
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "Could not reach the broker for %s; a periodic run will pick it up.", task.name
        )
        return False
    return True


@shared_task(**RETRY_POLICY)
def deliver_outbox() -> int:
    """Deliver every queued e-mail that is due; returns how many were sent.

    One delivery at a time across all workers (a lock in the shared cache), so that a message
    is never sent twice. A run that finds the lock taken does nothing: the running one loops
    until the queue is empty, and beat starts another within a minute.
    """
    if not cache.add(OUTBOX_LOCK, "locked", OUTBOX_LOCK_SECONDS):
        return 0
    sent = 0
    try:
        while get_queued().exists():
            delivered, _failed, _requeued = send_queued()
            sent += delivered
    finally:
        cache.delete(OUTBOX_LOCK)
    return sent

"""Pointing the Celery app at a real broker for a while, instead of running tasks eagerly."""

from collections.abc import Iterator
from contextlib import contextmanager

from celery import Celery


def _drop_pools(app: Celery) -> None:
    # Celery's connection and producer pools are made for one URL; the next use rebuilds them.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str, **conf) -> Iterator[Celery]:
    """Send tasks (and control messages) through the broker at `url`, then restore.

    Celery reads its configuration once, so changed Django settings would not reach it.
    """
    from portal.celery import app

    conf = {"task_always_eager": False, "broker_url": url, **conf}
    saved = {key: app.conf[key] for key in conf}
    app.conf.update(conf)
    _drop_pools(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _drop_pools(app)

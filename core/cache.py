"""A Redis cache that fails soft: an outage makes pages slower, never broken.

Everything the portal caches can be computed again (dashboards/cache.py), so when Redis
cannot be reached a read is a miss and a write is skipped. The outage is logged once when
it starts and once when it ends, not on every request, and while it lasts Redis is tried
again only every RETRY_SECONDS, so that no request waits for a timeout in between.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 30.0


class _Outage:
    """Whether this process has found Redis unreachable, shared by all its threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.since: float | None = None
        self.retry_at = 0.0

    def skipping(self) -> bool:
        return self.since is not None and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        with self.lock:
            now = time.monotonic()
            self.retry_at = now + RETRY_SECONDS
            if self.since is None:
                self.since = now
                logger.error(
                    "Cache unreachable; pages are computed without it until it is back "
                    "(tried again every %.0f s): %s",
                    RETRY_SECONDS,
                    error,
                )

    def succeeded(self) -> None:
        if self.since is None:
            return
        with self.lock:
            if self.since is not None:
                logger.warning("Cache reachable again after %.0f s", time.monotonic() - self.since)
                self.since = None


outage = _Outage()


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` around the pool for every cache call, and its
    constructor (~150 µs: a table of some 170 response callbacks) cost more than reading a
    kept 50 KB dashboard page (~130 µs). The client holds no connection of its own and is
    safe to share between threads (redis-py); its connections stay in the pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[bool, Any] = {}

    def get_client(self, key=None, *, write=False):
        client = self._clients.get(write)
        if client is None:
            # Two threads may both build one on the first call: either is fine to keep.
            client = self._clients[write] = super().get_client(key, write=write)
        return client


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, with every read a miss and every write skipped during an outage.

    `incr` and `decr` still raise: a counter cannot pretend. The portal uses neither.
    """

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _soft(self, call: Callable[..., Any], fallback: Any, *args: Any) -> Any:
        if outage.skipping():
            return fallback
        try:
            result = call(*args)
        except RedisError as error:
            outage.failed(error)
            return fallback
        outage.succeeded()
        return result

    def get(self, key, default=None, version=None):
        return self._soft(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._soft(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft(super().has_key, False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().set_many, list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().add, False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._soft(super().delete_many, None, keys, version)

    def clear(self):
        return self._soft(super().clear, False)

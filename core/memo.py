"""A small in-process memo for values that every request needs and that are keyed by a version.

Unlike the cache (Redis, shared by all workers), a memo lives in one process and costs no round
trip: a dictionary read. It holds only values whose key names a version that the database
row read anyway carries (say `User.memberships_version`), so an entry is never stale: a change
bumps the version, the next request asks for a new key and the old entry is never read again.
The memo is bounded; when it is full the least recently used entries go first. An entry may
also be given a maximum age, for what the version does not cover (the names of organisations
shown beside the memberships, which change in the back office, maybe once a year).
A memo may also be bounded by weight (the bytes of kept pages, say) as well as by entries.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_ENTRIES = 2000


class Memo:
    """A bounded, thread-safe least-recently-used mapping from a key to a computed value."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        max_age: float | None = None,
        *,
        max_weight: int | None = None,
        weigh: Callable[[Any], int] = lambda value: 0,
    ) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self.max_weight = max_weight
        self.weigh = weigh
        # key -> (when computed, value, weight)
        self._entries: OrderedDict[Hashable, tuple[float, Any, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The value under `key`, or None when there is none (or it is too old)."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (self.max_age is None or now - entry[0] < self.max_age):
                self._entries.move_to_end(key)
                return entry[1]
        return None

    def put(self, key: Hashable, value: Any) -> None:
        """Keep `value` under `key`, the least recently used entries leaving to make room. A
        value heavier than the whole budget is not kept."""
        weight = self.weigh(value)
        if self.max_weight is not None and weight > self.max_weight:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._weight -= previous[2]
            self._entries[key] = (time.monotonic(), value, weight)
            self._weight += weight
            while len(self._entries) > self.max_entries or (
                self.max_weight is not None and self._weight > self.max_weight
            ):
                self._weight -= self._entries.popitem(last=False)[1][2]

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value under `key`, computed (outside the lock) and kept on a miss."""
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    @property
    def weight(self) -> int:
        return self._weight

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._entries)


# Every process-wide memo, so that tests (whose primary keys repeat) can empty them all.
_memos: list[Memo] = []


def memo(
    max_entries: int = MAX_ENTRIES,
    max_age: float | None = None,
    *,
    max_weight: int | None = None,
    weigh: Callable[[Any], int] = lambda value: 0,
) -> Memo:
    """A new memo, registered for `clear_all`."""
    made = Memo(max_entries, max_age, max_weight=max_weight, weigh=weigh)
    _memos.append(made)
    return made


def clear_all() -> None:
    for made in _memos:
        made.clear()

"""Server-side prepared statements for a fixed query that runs on every request.

A kept dashboard page (dashboards/cache.py) costs the middleware, one query (its key) and a
dictionary read. PostgreSQL plans that query afresh every time: 0.23 ms of its 0.3 ms on the
server. Prepared once per database connection (`PREPARE`), it is only executed after that.

A prepared statement belongs to the database session, not to a transaction: a rollback does
not undo it, and PostgreSQL plans it again by itself when a table it reads changes. It is made
on the raw connection, outside Django's query log, like the settings Django gives a new
connection: a one-time set-up, not one of the page's queries. Behind a pooler that hands a
session's statements to other server connections (PgBouncer in transaction pooling), set
`DATABASE_PREPARED_STATEMENTS=false` (docs/deployment.md): the query is then sent as it is.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
import weakref
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection

# The names prepared on each raw connection; a new connection (after CONN_MAX_AGE, or a
# reconnect) is a new key with none.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()

_PLACEHOLDER = re.compile(r"%%|%s")


def _numbered(sql: str) -> str:
    """Django's `%s` placeholders as PostgreSQL's `$1`, `$2`, …; `%%` as `%`."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(
        lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql
    )


def fetchall(sql: str, params: Sequence[Any]) -> list[tuple]:
    """The rows of `sql` (with Django's `%s` placeholders) for `params`, prepared on this
    connection the first time it runs there."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
            cursor.execute(sql, params)
            return cursor.fetchall()
        name = "portal_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
        raw = connection.connection
        with _lock:
            names = _prepared.setdefault(raw, set())
        if name not in names:
            with connection.wrap_database_errors, raw.cursor() as setup:
                # The name is a digest and the SQL the caller's own, compiled by the ORM.
                setup.execute(f"PREPARE {name} AS {_numbered(sql)}")
            names.add(name)
        arguments = ", ".join(["%s"] * len(params))
        statement = f"EXECUTE {name}({arguments})" if params else f"EXECUTE {name}"
        cursor.execute(statement, params)
        return cursor.fetchall()

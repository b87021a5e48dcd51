"""Assertions that a write fails on one named database constraint, not merely on any."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, models, transaction


@contextmanager
def violates(model: type[models.Model], name: str) -> Iterator[None]:
    """The block's write fails in the database on `model`'s constraint `name`.

    PostgreSQL names the violated constraint, and so does SQLite for a check constraint; for a
    unique constraint SQLite lists the constraint's columns instead."""
    constraint = next(c for c in model._meta.constraints if c.name == name)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    if connection.vendor == "sqlite" and isinstance(constraint, models.UniqueConstraint):
        assert str(error.value) == _sqlite_unique_message(model, constraint.fields)
    else:
        assert f'"{name}"' in str(error.value) or str(error.value).endswith(f": {name}")


@contextmanager
def violates_unique(model: type[models.Model], field: str) -> Iterator[None]:
    """The block's write fails on the uniqueness of `model`'s `field` (`unique=True`)."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    if connection.vendor == "sqlite":
        assert str(error.value) == _sqlite_unique_message(model, [field])
    else:
        # PostgreSQL names a column's own unique constraint <table>_<column>_key.
        column = model._meta.get_field(field).column
        assert f'"{model._meta.db_table}_{column}_key"' in str(error.value)


def _sqlite_unique_message(model: type[models.Model], fields: list[str] | tuple[str, ...]) -> str:
    table = model._meta.db_table
    columns = ", ".join(f"{table}.{model._meta.get_field(f).column}" for f in fields)
    return f"UNIQUE constraint failed: {columns}"

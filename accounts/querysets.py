"""The one base of every scoped queryset: administrators see everything, decided here once.

A scoped queryset states its rule as a `Q` over the user's cached scope; the same rule, stated
as a yes/no over one object, is the app's `permissions.py` predicate
(tests/test_permissions.py checks that the two agree for every role).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from django.contrib.auth.models import AnonymousUser
from django.db import models

from accounts.models import User
from accounts.permissions import Scope, get_scope, is_administrator


class ScopedQuerySet(models.QuerySet):
    def for_user(
        self,
        user: User | AnonymousUser,
        rule: Callable[[Scope], models.Q],
        *,
        anonymous: models.Q | None = None,
        administrators: bool = True,
    ) -> Self:
        """The rows `rule` allows for the user's scope; every row for administrators (unless
        `administrators` is False: writing a municipality's answers is its own coordinators'
        work); `anonymous`, when given, for visitors who are not signed in (whose scope is
        otherwise empty)."""
        if administrators and is_administrator(user):
            return self
        if anonymous is not None and not user.is_authenticated:
            return self.filter(anonymous)
        return self.filter(rule(get_scope(user)))

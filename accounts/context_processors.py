"""Template context for every page: the organisations the signed-in user acts for."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.permissions import (
    can_manage_users,
    get_memberships,
    get_scope,
    has_reporting_work,
    has_tasks,
    is_administrator,
)


def organisations(request: HttpRequest) -> dict:
    return {
        "user_memberships": SimpleLazyObject(lambda: get_memberships(request.user)),
        "can_manage_users": SimpleLazyObject(lambda: can_manage_users(request.user)),
        # The menu shows each role what it can use: politicians have no tasks or reports.
        "has_reporting_work": SimpleLazyObject(lambda: has_reporting_work(request.user)),
        "has_tasks": SimpleLazyObject(lambda: has_tasks(request.user)),
        # What the menu's answers follow from (core.templatetags.layout.MENU_KEYS): the header
        # is kept under it, so a page need not ask each answer. The scope is in memory.
        "menu_scope": (get_scope(request.user), is_administrator(request.user)),
    }

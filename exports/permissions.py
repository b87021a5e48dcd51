"""Who may do what with files: yes/no over the user's cached scope, no queries."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope
from reporting.models import ReportingRound
from reporting.permissions import can_manage_round
from reporting.services.imports import IMPORTABLE_ROUND_STATUSES


def may_include_drafts(user: User | AnonymousUser, kkr_id: int) -> bool:
    """The KKR's secretariat (and administrators) may add drafts to a file, as to the
    dashboards' figures (the `kladder` toggle); everyone else gets shared reports only."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or kkr_id in get_scope(user).secretariat_kkr_ids


def can_see_follow_up(user: User | AnonymousUser, round_: ReportingRound) -> bool:
    """Who submitted, reminders and extensions are the round page's follow-up: its managers'."""
    return can_manage_round(user, round_)


def can_import(user: User | AnonymousUser, round_: ReportingRound) -> bool:
    """The round's secretariat loads answers into an open or closed round."""
    return can_manage_round(user, round_) and round_.status in IMPORTABLE_ROUND_STATUSES

"""Who may do what with files: yes/no over the user's cached scope, no queries."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from reporting.models import ReportingRound
from reporting.permissions import can_manage_round
from reporting.services.imports import IMPORTABLE_ROUND_STATUSES


def can_see_follow_up(user: User | AnonymousUser, round_: ReportingRound) -> bool:
    """Who submitted, reminders and extensions are the round page's follow-up: its managers'."""
    return can_manage_round(user, round_)


def can_import(user: User | AnonymousUser, round_: ReportingRound) -> bool:
    """The round's secretariat loads answers into an open or closed round."""
    return can_manage_round(user, round_) and round_.status in IMPORTABLE_ROUND_STATUSES

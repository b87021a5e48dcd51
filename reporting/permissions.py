"""Who may do what to rounds and reports: yes/no over the user's cached scope, no queries."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope
from reporting.models import Report, ReportingRound


def can_manage_round(user: User | AnonymousUser, round_: ReportingRound) -> bool:
    """The secretariat of the round's KKR (and administrators) change a round."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or round_.framework.kkr_id in get_scope(user).secretariat_kkr_ids


def can_review_report(user: User | AnonymousUser, report: Report) -> bool:
    """The secretariat of the municipality's KKR approves, returns, reminds and extends."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or report.municipality.kkr_id in get_scope(user).secretariat_kkr_ids

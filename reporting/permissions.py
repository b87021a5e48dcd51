"""Who may do what to rounds and reports: yes/no over the user's cached scope, no queries.

Each predicate is the one-object form of a scoped queryset in `reporting.models` (named in
its docstring); views ask the predicate, services ask it again after locking the row.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope, is_kkr_secretariat
from reporting.models import Report, ReportingRound


def can_see_round(user: User | AnonymousUser, round_: ReportingRound) -> bool:
    """`ReportingRound.objects.visible_to`: drafts for the owning secretariat, open and closed
    rounds for everyone signed in, published rounds for visitors."""
    if not user.is_authenticated:
        return round_.published_at is not None
    return round_.status != ReportingRound.Status.DRAFT or can_manage_round(user, round_)


def can_manage_round(user: User | AnonymousUser, round_: ReportingRound) -> bool:
    """`ReportingRound.objects.managed_by`: the secretariat of the round's KKR (and
    administrators) change a round."""
    return is_kkr_secretariat(user, round_.framework.kkr_id)


def can_edit_report(user: User | AnonymousUser, report: Report) -> bool:
    """`Report.objects.editable_by`: the municipality's own coordinators, while the report is
    with the municipality and the round is open. Administrators do not write answers."""
    return (
        report.municipality_id in get_scope(user).coordinator_municipality_ids
        and report.status in Report.EDITABLE_STATUSES
        and report.round.status == ReportingRound.Status.OPEN
    )


def can_review_report(user: User | AnonymousUser, report: Report) -> bool:
    """`Report.objects.reviewable_by`: the secretariat of the municipality's KKR approves,
    returns, reminds and extends."""
    return is_kkr_secretariat(user, report.municipality.kkr_id)


def can_see_report_history(user: User | AnonymousUser, report: Report) -> bool:
    """`Report.objects.with_history_for`: the history holds every draft value, so only the
    KKR's secretariat and the municipality's own coordinators read it."""
    return (
        can_review_report(user, report)
        or report.municipality_id in get_scope(user).coordinator_municipality_ids
    )


def may_include_drafts(user: User | AnonymousUser, kkr_id: int) -> bool:
    """The KKR's secretariat (and administrators) may add its municipalities' drafts to the
    dashboards' figures and to files (the `kladder` toggle); everyone else gets shared
    reports only."""
    return is_kkr_secretariat(user, kkr_id)

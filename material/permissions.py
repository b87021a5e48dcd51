"""Who may do what with a round's meeting material: yes/no over the cached scope, no queries."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from reporting.models import ReportingRound
from reporting.permissions import can_manage_round


def can_make_material(user: User | AnonymousUser, round_: ReportingRound) -> bool:
    """The round's secretariat makes the meeting report and writes the agenda item."""
    return can_manage_round(user, round_) and round_.status != ReportingRound.Status.DRAFT


def can_read_material(user: User | AnonymousUser) -> bool:
    """Everyone signed in who sees the round (the view finds it through `visible_to`) fetches
    the material: it holds only submitted and approved reports, which every signed-in user may
    read (`Report.objects.visible_to`). Visitors who are not signed in see approved reports of
    published rounds only, so they get none of it."""
    return user.is_authenticated

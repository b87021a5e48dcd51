"""Who must sign in with a second factor (decision 0014).

Yes/no questions over the scopes the request has read anyway (accounts.permissions,
meetings.permissions): administrators are told apart in one place, `is_administrator`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope, is_administrator, is_back_office_staff
from meetings.permissions import get_meeting_scope


def has_elevated_role(user: User | AnonymousUser) -> bool:
    """Administrators, back-office staff and KKR secretariats, from what the request knows
    already."""
    return is_administrator(user) or is_back_office_staff(user) or get_scope(user).is_secretariat


def requires_two_factor(user: User | AnonymousUser) -> bool:
    """Secretariat members (a KKR's or KL's) and administrators must use a second factor;
    everyone else may."""
    return has_elevated_role(user) or bool(get_meeting_scope(user).organisation_ids)

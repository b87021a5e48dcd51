"""Who may do what with frameworks: yes/no over the user's cached scope, no queries."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import is_kkr_secretariat
from commitments.models import Framework


def can_edit_framework(user: User | AnonymousUser, framework: Framework) -> bool:
    """The secretariat of the framework's KKR (and administrators) change it and start rounds
    under it (`Framework.objects.editable_by`)."""
    return is_kkr_secretariat(user, framework.kkr_id)

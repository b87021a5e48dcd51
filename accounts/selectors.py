"""Reads about people: who to tell about what."""

from __future__ import annotations

from accounts.models import Membership, User


def coordinator_emails(municipality_id: int) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.COORDINATOR,
            memberships__municipality_id=municipality_id,
        ).values_list("email", flat=True)
    )


def secretariat_emails(kkr_id: int) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.SECRETARIAT,
            memberships__kkr_id=kkr_id,
        ).values_list("email", flat=True)
    )

"""Reads for the calls pages, each scoped to the user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from accounts.models import User
from calls.models import Call, Proposal


def calls_for(user: User | AnonymousUser) -> QuerySet[Call]:
    """The calls the user sees, with the count of submitted proposals, newest deadline first."""
    return (
        Call.objects.visible_to(user)
        .select_related("kkr")
        .annotate(
            submitted_count=Count(
                "proposals", filter=~Q(proposals__status=Proposal.Status.DRAFT), distinct=True
            )
        )
        .order_by("-deadline", "title")
    )


def submitted_proposals(call: Call) -> QuerySet[Proposal]:
    """A call's submitted proposals, for its secretariat: never a draft."""
    return (
        Proposal.objects.filter(call=call)
        .exclude(status=Proposal.Status.DRAFT)
        .select_related("author")
        .annotate(initiative_count=Count("initiatives"))
        .order_by("submitted_at", "pk")
    )

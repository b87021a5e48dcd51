"""Writes: a user's calendar feed address, made or renewed."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from calendars.models import CalendarFeed, new_token


@transaction.atomic
def feed_renew(*, actor: User) -> CalendarFeed:
    """Give the actor a new feed address; the old one answers 404 from now on."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=actor)
    if not created:
        feed.token = new_token()
        feed.save(update_fields=["token", "updated_at"])
    return feed

"""The calendar page (month or list per week), the private iCalendar feed and its renewal."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from calendars import services
from calendars.feed import render_feed
from calendars.models import CalendarFeed
from calendars.selectors import fill, month_weeks
from calendars.sources import entries_for
from core import mail

LIST_VIEW = "liste"


def _chosen_month(value: str | None, today: datetime.date) -> tuple[datetime.date, bool]:
    """The first of the month in ?maaned=YYYY-MM; this month (and False) if it cannot be read."""
    if not value:
        return today.replace(day=1), True
    try:
        chosen = datetime.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 - a date only
    except ValueError:
        return today.replace(day=1), False
    if not 1900 <= chosen.year <= 2999:
        return today.replace(day=1), False
    return chosen, True


@require_safe
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first, valid = _chosen_month(request.GET.get("maaned"), today)
    if not valid:
        messages.warning(request, _("Måneden kunne ikke læses; kalenderen viser denne måned."))
    view = LIST_VIEW if request.GET.get("visning") == LIST_VIEW else "maaned"
    month = month_weeks(first, today)
    month = fill(month, entries_for(request.user, start=month.start, end=month.end))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {
        "month": month,
        "view": view,
        "weekdays": [(WEEKDAYS[day], WEEKDAYS_ABBR[day]) for day in range(7)],
        "list_weeks": [week for week in month.weeks if week.entries],
        "feed_url": mail.site_url(reverse("calendars:feed", kwargs={"token": feed.token}))
        if feed
        else None,
        "today": today,
    }
    return render(request, "calendars/calendar.html", context)


@login_not_required
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed of the token's user, for calendar programs that cannot sign in."""
    subscription = (
        CalendarFeed.objects.filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
    if subscription is None:
        raise Http404
    user = subscription.user
    body = render_feed(
        entries_for(user),
        name=_("Psykiatriportalen – %(name)s") % {"name": user.get_full_name()},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="psykiatriportalen.ics"'
    # The address is the key: nothing along the way should keep a copy of what it opens.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def feed_renew(request: AuthenticatedHttpRequest) -> HttpResponse:
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    services.feed_renew(actor=request.user)
    if had_feed:
        messages.success(
            request,
            _("Du har fået et nyt kalenderlink. Det gamle link virker ikke længere."),
        )
    else:
        messages.success(request, _("Dit kalenderlink er klar. Abonnér på det i din kalender."))
    return redirect(f"{reverse('calendars:calendar')}#abonnement")

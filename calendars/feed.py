"""The iCalendar feed (RFC 5545), written with the icalendar library.

Timed entries carry TZID=Europe/Copenhagen and the calendar a matching VTIMEZONE, so Outlook
and Google Calendar place a 10.00 meeting at 10.00 Danish time in summer and winter alike.
UIDs are stable per meeting, deadline and pilot date, and SEQUENCE counts the meeting's moves,
so a subscribed calendar updates an entry in place; a cancelled meeting stays with
STATUS:CANCELLED.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from calendars.sources import Entry
from core import mail

PRODID = "-//Psykiatriportalen//Kalender//DA"


def _event(entry: Entry, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("summary", entry.title)
    if entry.starts and entry.ends:
        event.add("dtstart", timezone.localtime(entry.starts))
        event.add("dtend", timezone.localtime(entry.ends))
    else:
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    if entry.location:
        event.add("location", entry.location)
    link = mail.site_url(entry.url)
    event.add("url", link)
    event.add("description", "\n".join(filter(None, [entry.description, link])))
    event.add("sequence", entry.sequence)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.modified:
        event.add("last-modified", entry.modified.astimezone(datetime.UTC))
    event.add("categories", [entry.kind_label])
    return event


def render_feed(entries: Iterable[Entry], *, name: str) -> bytes:
    """The user's entries as one VCALENDAR, with the VTIMEZONE its events refer to."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    # How often subscribed clients should fetch again (Outlook reads the second name).
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for entry in entries:
        calendar.add_component(_event(entry, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()

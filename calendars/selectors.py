"""The calendar page's shapes: a month as weeks of days (Monday first, ISO week numbers), and
the same entries as a list per week."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from calendars.sources import Entry


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Week:
    number: int
    days: list[Day]

    @property
    def entries(self) -> list[Entry]:
        return [entry for day in self.days for entry in day.entries]

    @property
    def first(self) -> datetime.date:
        return self.days[0].date

    @property
    def last(self) -> datetime.date:
        return self.days[-1].date


@dataclass(frozen=True)
class Month:
    first: datetime.date
    weeks: list[Week]

    @property
    def start(self) -> datetime.date:
        return self.weeks[0].first

    @property
    def end(self) -> datetime.date:
        return self.weeks[-1].last

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return (self.first + datetime.timedelta(days=32)).replace(day=1)

    @property
    def entries(self) -> list[Entry]:
        return [entry for week in self.weeks for entry in week.entries]


def month_weeks(first: datetime.date, today: datetime.date) -> Month:
    """The weeks that touch the month, Monday to Sunday, as Danish calendars print them."""
    weeks = [
        Week(
            number=days[0].isocalendar().week,
            days=[Day(date=d, in_month=d.month == first.month, is_today=d == today) for d in days],
        )
        for days in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(
            first.year, first.month
        )
    ]
    return Month(first=first, weeks=weeks)


def fill(month: Month, entries: list[Entry]) -> Month:
    """Put each entry on its day (entries come sorted, so each day's list is too)."""
    by_day: dict[datetime.date, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry)
    for week in month.weeks:
        for day in week.days:
            day.entries = by_day.get(day.date, [])
    return month

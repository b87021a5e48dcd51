"""Where the calendar's dates come from: one function per source, each scoped to the user.

A source takes the user and a date window (None for an open end) and returns `Entry` rows. The
page and the iCalendar feed read the same sources, so the feed carries exactly what the page
shows. A new kind of date (calls for proposals, process-plan milestones) is one more function
here and one more line in `SOURCES`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import get_memberships, get_scope
from meetings.models import Group, Meeting
from meetings.permissions import get_meeting_scope
from pilots.models import PilotParticipation, PilotProject
from reporting.models import Report, ReportingRound

UID_DOMAIN = "psykiatriportalen"


@dataclass(frozen=True)
class Entry:
    uid: str
    kind: str
    title: str
    day: datetime.date
    url: str
    starts: datetime.datetime | None = None
    ends: datetime.datetime | None = None
    location: str = ""
    description: str = ""
    cancelled: bool = False
    sequence: int = 0
    modified: datetime.datetime | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]()

    @property
    def sort_key(self) -> tuple:
        start = self.starts.time() if self.starts else datetime.time.min
        return (self.day, self.starts is not None, start, self.title)


KIND_LABELS: dict[str, Callable[[], str]] = {
    "meeting": lambda: _("Møde"),
    "proposal_deadline": lambda: _("Frist for forslag"),
    "round_deadline": lambda: _("Frist for afrapportering"),
    "pilot_start": lambda: _("Pilotprojekt starter"),
    "pilot_end": lambda: _("Pilotprojekt slutter"),
}

Window = tuple[datetime.date | None, datetime.date | None]


def _in_window(field: str, window: Window) -> Q:
    start, end = window
    condition = Q()
    if start:
        condition &= Q(**{f"{field}__gte": start})
    if end:
        condition &= Q(**{f"{field}__lte": end})
    return condition


def _uid(*parts: object) -> str:
    return "-".join(str(part) for part in parts) + f"@{UID_DOMAIN}"


def round_deadlines(user: User, window: Window) -> list[Entry]:
    """Deadlines of the rounds that ask the user's municipalities, extensions included, and of
    the rounds of the KKRs the user works for (drafts only for the round's own secretariat)."""
    scope = get_scope(user)
    entries = []
    if scope.coordinator_municipality_ids:
        reports = (
            Report.objects.visible_to(user)
            .filter(municipality_id__in=scope.coordinator_municipality_ids)
            .exclude(round__status=ReportingRound.Status.DRAFT)
            .filter(
                Q(deadline_override__isnull=False) & _in_window("deadline_override", window)
                | Q(deadline_override__isnull=True) & _in_window("round__deadline", window)
            )
            .select_related("round", "municipality")
        )
        for report in reports:
            description = ""
            if report.deadline_override:
                description = _("Forlænget frist (rundens frist er %(date)s): %(reason)s") % {
                    "date": report.round.deadline.strftime("%d.%m.%Y"),
                    "reason": report.deadline_override_reason,
                }
            entries.append(
                Entry(
                    uid=_uid("runde", report.round_id, "kommune", report.municipality.code),
                    kind="round_deadline",
                    title=_("Frist: %(round)s (%(municipality)s)")
                    % {"round": report.round.title, "municipality": report.municipality.name},
                    day=report.deadline,
                    url=report.get_absolute_url(),
                    description=description,
                    modified=report.updated_at,
                )
            )
    # Politicians and secretariats follow their KKRs' rounds as a whole.
    kkr_ids = scope.secretariat_kkr_ids | scope.politician_kkr_ids
    kkr_ids |= {
        m.municipality.kkr_id
        for m in get_memberships(user)
        if m.municipality is not None and m.municipality_id in scope.politician_municipality_ids
    }
    if kkr_ids:
        rounds = (
            ReportingRound.objects.visible_to(user)
            .filter(framework__kkr_id__in=kkr_ids)
            .filter(_in_window("deadline", window))
            .select_related("framework__kkr")
        )
        for round_ in rounds:
            entries.append(
                Entry(
                    uid=_uid("runde", round_.pk),
                    kind="round_deadline",
                    title=_("Frist: %(round)s") % {"round": round_.title},
                    day=round_.deadline,
                    url=round_.get_absolute_url(),
                    description=round_.framework.kkr.name,
                    modified=round_.updated_at,
                )
            )
    return entries


def meetings_and_proposal_deadlines(user: User, window: Window) -> list[Entry]:
    """Meetings of the groups the user is a member of or runs, and their proposal deadlines."""
    scope = get_meeting_scope(user)
    groups = Q(group_id__in=scope.member_group_ids) | Q(group__in=Group.objects.managed_by(user))
    if not scope.member_group_ids and not scope.runs_a_secretariat:
        return []
    meetings = (
        Meeting.objects.filter(groups)
        .filter(
            _in_window("date", window)
            | Q(proposal_deadline__isnull=False) & _in_window("proposal_deadline", window)
        )
        .select_related("group")
    )
    start, end = window
    entries = []
    for meeting in meetings:
        url = meeting.get_absolute_url()
        if (start is None or meeting.date >= start) and (end is None or meeting.date <= end):
            entries.append(
                Entry(
                    uid=_uid("moede", meeting.pk),
                    kind="meeting",
                    title=meeting.title,
                    day=meeting.date,
                    url=url,
                    starts=meeting.starts,
                    ends=meeting.ends,
                    location=meeting.place,
                    description=meeting.group.name,
                    cancelled=meeting.is_cancelled,
                    sequence=meeting.sequence,
                    modified=meeting.updated_at,
                )
            )
        deadline = meeting.proposal_deadline
        if deadline and (start is None or deadline >= start) and (end is None or deadline <= end):
            entries.append(
                Entry(
                    uid=_uid("moede", meeting.pk, "forslag"),
                    kind="proposal_deadline",
                    title=_("Frist for forslag: %(meeting)s") % {"meeting": meeting.title},
                    day=deadline,
                    url=url,
                    description=_("Sidste dag for forslag til dagsordenen (mødet er %(date)s).")
                    % {"date": meeting.date.strftime("%d.%m.%Y")},
                    cancelled=meeting.is_cancelled,
                    sequence=meeting.sequence,
                    modified=meeting.updated_at,
                )
            )
    return entries


def pilot_dates(user: User, window: Window) -> list[Entry]:
    """Start and end of the pilot projects the user's municipalities lead or take part in."""
    municipality_ids = get_scope(user).coordinator_municipality_ids
    if not municipality_ids:
        return []
    taking_part = PilotParticipation.objects.filter(
        municipality_id__in=municipality_ids, status=PilotParticipation.Status.ACCEPTED
    ).values("project_id")
    projects = (
        PilotProject.objects.visible_to(user)
        .filter(Q(lead_municipality_id__in=municipality_ids) | Q(pk__in=taking_part))
        .filter(
            Q(starts_on__isnull=False) & _in_window("starts_on", window)
            | Q(ends_on__isnull=False) & _in_window("ends_on", window)
        )
    )
    start, end = window
    entries = []
    for project in projects:
        for kind, day, suffix in (
            ("pilot_start", project.starts_on, "start"),
            ("pilot_end", project.ends_on, "slut"),
        ):
            if day and (start is None or day >= start) and (end is None or day <= end):
                entries.append(
                    Entry(
                        uid=_uid("pilot", project.pk, suffix),
                        kind=kind,
                        title=f"{KIND_LABELS[kind]()}: {project.title}",
                        day=day,
                        url=project.get_absolute_url(),
                        modified=project.updated_at,
                    )
                )
    return entries


SOURCES: list[Callable[[User, Window], list[Entry]]] = [
    round_deadlines,
    meetings_and_proposal_deadlines,
    pilot_dates,
]


def entries_for(
    user: User, *, start: datetime.date | None = None, end: datetime.date | None = None
) -> list[Entry]:
    """Everything dated that concerns the user, in order, from every source."""
    entries = [entry for source in SOURCES for entry in source(user, (start, end))]
    return sorted(entries, key=lambda entry: entry.sort_key)

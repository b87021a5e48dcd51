"""The calendar page and the private iCalendar feed: what they show, to whom, and how."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from icalendar import Calendar

from calendars import services
from calendars.models import CalendarFeed
from meetings import services as meeting_services
from meetings.models import GroupMember, Meeting
from pilots.models import PilotParticipation
from reporting.models import Report, ReportingRound
from tests.factories import (
    GroupFactory,
    GroupMemberFactory,
    MeetingFactory,
    OrganisationFactory,
    PilotParticipationFactory,
    PilotProjectFactory,
    ReportFactory,
    ReportingRoundFactory,
)

pytestmark = pytest.mark.django_db

SEED_003_MEETINGS = [
    datetime.date(2019, 4, 24),
    datetime.date(2019, 8, 29),
    datetime.date(2019, 12, 3),
]


@pytest.fixture
def dialogue_group(kl_secretariat):
    return GroupFactory(owner_organisation=OrganisationFactory())


@pytest.fixture
def member(dialogue_group, hovedstaden):
    return GroupMemberFactory(
        group=dialogue_group, kkr=hovedstaden, seat=1, area=GroupMember.Area.ADULTS
    ).user


@pytest.fixture
def meetings_2019(dialogue_group):
    return [
        MeetingFactory(
            group=dialogue_group,
            title="Møde i dialoggruppen",
            date=day,
            place="KL-huset" if day.month == 4 else "Rundt i landet",
        )
        for day in SEED_003_MEETINGS
    ]


def _feed(client, user) -> Calendar:
    feed = services.feed_renew(actor=user)
    response = client.get(reverse("calendars:feed", kwargs={"token": feed.token}))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# --- the page -----------------------------------------------------------------------------


def test_month_view_is_a_table_with_iso_weeks_and_danish_weekdays(client, member, meetings_2019):
    client.force_login(member)

    response = client.get(reverse("calendars:calendar"), {"maaned": "2019-04"})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<h2 class="h4 mb-0" id="month-heading">April 2019</h2>' in html
    assert '<abbr title="Mandag">Man</abbr>' in html
    assert '<abbr title="Søndag">Søn</abbr>' in html
    # 1 April 2019 is a Monday of ISO week 14; 30 April is in week 18.
    for week in (14, 15, 16, 17, 18):
        assert f'<th scope="row" class="week-number">{week}</th>' in html
    assert '<th scope="row" class="week-number">19</th>' not in html
    assert "onsdag 24. april" in html
    assert "10.00 Møde i dialoggruppen" in html
    assert "Frist for forslag: Møde i dialoggruppen" in html


def test_list_view_groups_the_month_by_week(client, member, meetings_2019):
    client.force_login(member)

    response = client.get(reverse("calendars:calendar"), {"maaned": "2019-04", "visning": "liste"})

    html = response.content.decode()
    assert "Uge 15 (8. april–14. april 2019)" in html
    assert "Uge 17 (22. april–28. april 2019)" in html
    assert "Onsdag 24. april, kl. 10.00–13.00 · Møde" in html


def test_an_unreadable_month_shows_this_month_with_a_message(client, member):
    client.force_login(member)

    response = client.get(reverse("calendars:calendar"), {"maaned": "april"})

    assert response.status_code == HTTPStatus.OK
    assert "Måneden kunne ikke læses; kalenderen viser denne måned." in response.content.decode()


def test_a_coordinator_sees_the_extended_deadline_of_their_own_municipality(
    client, coordinator, own_municipality, other_municipality
):
    round_ = ReportingRoundFactory(
        title="Statusopfølgning 2026",
        status=ReportingRound.Status.OPEN,
        deadline=datetime.date(2026, 12, 15),
    )
    ReportFactory(
        round=round_,
        municipality=own_municipality,
        deadline_override=datetime.date(2026, 12, 22),
        deadline_override_reason="Byrådsmøde den 18. december",
    )
    ReportFactory(round=round_, municipality=other_municipality)
    client.force_login(coordinator)

    response = client.get(reverse("calendars:calendar"), {"maaned": "2026-12", "visning": "liste"})

    html = response.content.decode()
    assert "Frist: Statusopfølgning 2026 (København)" in html
    assert "Tirsdag 22. december" in html
    assert "Tirsdag 15. december" not in html
    assert "Frederiksberg" not in html


def test_a_coordinator_sees_the_pilot_projects_their_municipality_takes_part_in(
    client, coordinator, own_municipality, other_municipality
):
    joined = PilotProjectFactory(
        title="Fælles akuttilbud",
        lead_municipality=other_municipality,
        starts_on=datetime.date(2026, 12, 1),
        ends_on=datetime.date(2027, 6, 30),
    )
    PilotParticipationFactory(project=joined, municipality=own_municipality)
    invited = PilotProjectFactory(
        title="Kun inviteret",
        lead_municipality=other_municipality,
        starts_on=datetime.date(2026, 12, 2),
    )
    PilotParticipationFactory(
        project=invited, municipality=own_municipality, status=PilotParticipation.Status.INVITED
    )
    client.force_login(coordinator)

    response = client.get(reverse("calendars:calendar"), {"maaned": "2026-12"})

    html = response.content.decode()
    assert "Pilotprojekt starter: Fælles akuttilbud" in html
    assert "Kun inviteret" not in html


@pytest.mark.parametrize("count", [1, 6])
def test_calendar_queries_do_not_grow(
    client, coordinator, own_municipality, dialogue_group, count, django_assert_num_queries
):
    GroupMemberFactory(group=dialogue_group, user=coordinator)
    for n in range(count):
        day = datetime.date(2027, 3, 1 + n)
        MeetingFactory(group=dialogue_group, date=day)
        round_ = ReportingRoundFactory(status=ReportingRound.Status.OPEN, deadline=day)
        ReportFactory(round=round_, municipality=own_municipality)
        PilotProjectFactory(lead_municipality=own_municipality, starts_on=day)
    services.feed_renew(actor=coordinator)
    client.force_login(coordinator)
    # session, user (memberships in memory since the sign-in), reports with rounds and
    # municipalities, meeting scope (member and staff ids in one union), meetings with
    # groups, pilot projects, the feed
    with django_assert_num_queries(7):
        response = client.get(reverse("calendars:calendar"), {"maaned": "2027-03"})
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("Møde i dialoggruppen") == count


# --- the feed -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 6])
def test_feed_queries_do_not_grow(
    client, coordinator, own_municipality, dialogue_group, count, django_assert_num_queries
):
    GroupMemberFactory(group=dialogue_group, user=coordinator)
    for n in range(count):
        day = datetime.date(2027, 3, 1 + n)
        MeetingFactory(group=dialogue_group, date=day)
        round_ = ReportingRoundFactory(status=ReportingRound.Status.OPEN, deadline=day)
        ReportFactory(round=round_, municipality=own_municipality)
        PilotProjectFactory(lead_municipality=own_municipality, starts_on=day)
    token = services.feed_renew(actor=coordinator).token
    # the feed with its user, memberships, reports with rounds, meeting scope, meetings with
    # groups, pilot projects
    with django_assert_num_queries(6):
        response = client.get(reverse("calendars:feed", kwargs={"token": token}))
    assert response.status_code == HTTPStatus.OK
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 4 * count


def test_the_feed_has_the_three_meetings_and_their_deadlines_in_copenhagen_time(
    client, member, meetings_2019
):
    calendar = _feed(client, member)

    events = _events(calendar)
    meetings = [e for e in events.values() if str(e["SUMMARY"]) == "Møde i dialoggruppen"]
    assert sorted(e.decoded("DTSTART") for e in meetings) == [
        datetime.datetime.combine(day, datetime.time(10), tzinfo=e.decoded("DTSTART").tzinfo)
        for day, e in zip(SEED_003_MEETINGS, meetings, strict=True)
    ]
    first = events[f"moede-{meetings_2019[0].pk}@psykiatriportalen"]
    assert first["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert first.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=2)  # summer time
    assert first.decoded("DTEND").hour == 13
    assert str(first["LOCATION"]) == "KL-huset"
    last = events[f"moede-{meetings_2019[2].pk}@psykiatriportalen"]
    assert last.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=1)  # winter time
    deadlines = [e for e in events.values() if str(e["SUMMARY"]).startswith("Frist for forslag")]
    assert sorted(e.decoded("DTSTART") for e in deadlines) == [
        day - datetime.timedelta(days=14) for day in SEED_003_MEETINGS
    ]
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert {c.name for c in calendar.walk("VTIMEZONE")[0].subcomponents} == {
        "STANDARD",
        "DAYLIGHT",
    }


def test_a_moved_meeting_keeps_its_uid_and_counts_up_its_sequence(
    client, kl_secretariat, member, meetings_2019
):
    meeting = meetings_2019[1]
    uid = f"moede-{meeting.pk}@psykiatriportalen"
    before = _events(_feed(client, member))[uid]

    meeting_services.meeting_update(
        actor=kl_secretariat, meeting=meeting, date=datetime.date(2019, 8, 30), place="Odense"
    )
    after = _events(_feed(client, member))

    assert (before["SEQUENCE"], after[uid]["SEQUENCE"]) == (0, 1)
    assert after[uid].decoded("DTSTART").date() == datetime.date(2019, 8, 30)
    assert str(after[uid]["LOCATION"]) == "Odense"
    assert len([e for e in after.values() if str(e["SUMMARY"])[:6] == "Møde i"]) == 3


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(
    client, kl_secretariat, member, meetings_2019
):
    meeting_services.meeting_cancel(actor=kl_secretariat, meeting=meetings_2019[2])

    events = _events(_feed(client, member))

    cancelled = events[f"moede-{meetings_2019[2].pk}@psykiatriportalen"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["SEQUENCE"] == 1
    assert str(events[f"moede-{meetings_2019[0].pk}@psykiatriportalen"]["STATUS"]) == "CONFIRMED"
    assert Meeting.objects.filter(status=Meeting.Status.CANCELLED).count() == 1


def test_a_renewed_token_makes_the_old_address_answer_404(client, member):
    old = services.feed_renew(actor=member).token
    old_url = reverse("calendars:feed", kwargs={"token": old})
    assert client.get(old_url).status_code == HTTPStatus.OK

    client.force_login(member)
    response = client.post(reverse("calendars:feed_renew"))
    client.logout()

    new = CalendarFeed.objects.get(user=member).token
    assert response.status_code == HTTPStatus.FOUND
    assert new != old
    assert client.get(old_url).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("calendars:feed", kwargs={"token": new})).status_code == HTTPStatus.OK


def test_a_deactivated_users_feed_answers_404(client, member):
    token = services.feed_renew(actor=member).token
    member.is_active = False
    member.save()

    response = client.get(reverse("calendars:feed", kwargs={"token": token}))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_token_answers_404(client):
    response = client.get(reverse("calendars:feed", kwargs={"token": "gaet-et-link"}))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_feed_carries_no_drafts_of_other_organisations(
    client,
    coordinator,
    secretariat,
    foreign_secretariat,
    own_municipality,
    hovedstaden_framework,
):
    from commitments.models import Framework

    own_draft = ReportingRoundFactory(framework=hovedstaden_framework, title="Hovedstadens kladde")
    foreign_draft = ReportingRoundFactory(
        framework=Framework.objects.get(kkr__slug="midtjylland"), title="Midtjyllands kladde"
    )
    open_round = ReportingRoundFactory(
        framework=hovedstaden_framework, title="Åben runde", status=ReportingRound.Status.OPEN
    )
    ReportFactory(round=open_round, municipality=own_municipality, status=Report.Status.DRAFT)

    coordinator_titles = {str(e["SUMMARY"]) for e in _events(_feed(client, coordinator)).values()}
    secretariat_titles = {str(e["SUMMARY"]) for e in _events(_feed(client, secretariat)).values()}
    foreign_titles = {
        str(e["SUMMARY"]) for e in _events(_feed(client, foreign_secretariat)).values()
    }

    assert coordinator_titles == {"Frist: Åben runde (København)"}
    assert secretariat_titles == {"Frist: Hovedstadens kladde", "Frist: Åben runde"}
    assert foreign_titles == {"Frist: Midtjyllands kladde"}
    assert own_draft.pk != foreign_draft.pk


def test_a_feed_shows_only_the_groups_its_user_belongs_to(
    client, member, coordinator, meetings_2019
):
    other_group = GroupFactory()
    MeetingFactory(group=other_group, title="En anden gruppes møde")

    member_titles = {str(e["SUMMARY"]) for e in _events(_feed(client, member)).values()}
    outsider = _events(_feed(client, coordinator))

    assert "En anden gruppes møde" not in member_titles
    assert "Møde i dialoggruppen" in member_titles
    assert outsider == {}

"""KL's secretariat sets up the dialogue group of seed 003, members propose agenda items, the
secretariat publishes agenda and minutes, and a member's calendar and feed show the meetings."""

import datetime
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from meetings.models import Group
from municipalities.models import KKR
from tests.browser.test_accessibility import serious_violations
from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

GROUP_NAME = "Tværkommunal strategisk dialoggruppe på psykiatriområdet"
THIRD_REFUSED = "KKR Hovedstaden har allerede to medlemmer i gruppen."


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _accessible(page, live_server):
    assert serious_violations(page, live_server) == []


def _log_out(page):
    page.get_by_role("button", name="Log ud").click()


def _appoint(page, live_server, user, kkr, area):
    page.goto(f"{live_server.url}/moeder/grupper/dialoggruppe-psykiatri/udpeg-medlem/")
    page.get_by_label("E-mailadresse").fill(user.email)
    page.get_by_label("Repræsenterer KKR").select_option(label=kkr)
    page.get_by_label("Område").select_option(label=area)
    page.get_by_role("button", name="Udpeg").click()


def test_dialogue_group_from_terms_of_reference_to_the_members_calendars(
    live_server, live_data, page, login, screenshot
):
    kl = UserFactory(full_name="Karen KL")
    OrganisationFactory().staff.add(kl)
    kkrs = list(KKR.objects.order_by("name").values_list("name", flat=True))
    members = {
        kkr: [UserFactory(full_name=f"{area} {kkr}") for area in ("Børn", "Voksen")] for kkr in kkrs
    }
    first_member = members["KKR Hovedstaden"][0]
    year = timezone.localdate().year + 1
    dates = [datetime.date(year, 4, 24), datetime.date(year, 8, 29), datetime.date(year, 12, 3)]

    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before mailing all

    # KL's secretariat sets up the group from the terms of reference.
    login(page, kl, TEST_PASSWORD)
    page.get_by_role("link", name="Møder", exact=True).click()
    page.get_by_role("link", name="Opret gruppe").click()
    page.get_by_label("Navn*", exact=True).fill(GROUP_NAME)
    page.get_by_label("Kortnavn i adresse").fill("dialoggruppe-psykiatri")
    page.get_by_label("Formål og indhold").fill(
        "Understøtte tværkommunal erfaringsudveksling og strategi for psykiatriområdet."
    )
    page.get_by_label("Kommissoriets dato").fill("2019-03-18")
    page.get_by_label("Sags-ID").fill("SAG-2018-05062")
    page.get_by_label("Medlemmer udpeges pr. KKR").check()
    _accessible(page, live_server)
    page.get_by_role("button", name="Opret gruppe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP_NAME)
    expect(page.get_by_text("Sekretariat: KL's sekretariat")).to_be_visible()

    # Two members per KKR; a third for Hovedstaden is refused.
    for kkr, (children, adults) in members.items():
        _appoint(page, live_server, children, kkr, "Børne- og ungeområdet")
        expect(page.get_by_text(f"{children.full_name} er udpeget")).to_be_visible()
        _appoint(page, live_server, adults, kkr, "Voksenområdet")
        expect(page.get_by_text(f"{adults.full_name} er udpeget")).to_be_visible()
    _appoint(page, live_server, UserFactory(), "KKR Hovedstaden", "Voksenområdet")
    expect(page.get_by_text(THIRD_REFUSED)).to_be_visible()
    _accessible(page, live_server)
    group = Group.objects.get(slug="dialoggruppe-psykiatri")
    assert group.members.count() == 10
    page.goto(f"{live_server.url}{group.get_absolute_url()}")
    expect(page.get_by_text("Ledig plads")).to_have_count(0)
    _accessible(page, live_server)
    screenshot(page, "dialoggruppe")

    # Three meetings, as in the terms of reference, each with a proposal deadline.
    for number, day in enumerate(dates):
        page.goto(f"{live_server.url}{group.get_absolute_url()}")
        page.get_by_role("link", name="Planlæg møde").click()
        page.get_by_label("Dato").fill(day.isoformat())
        page.get_by_label("Fra kl.").fill("10:00")
        page.get_by_label("Til kl.").fill("13:00")
        page.get_by_label("Sted").fill("KL-huset" if number == 0 else "Aarhus Rådhus")
        page.get_by_label("Frist for forslag til dagsordenen").fill(
            (day - datetime.timedelta(days=14)).isoformat()
        )
        page.get_by_role("button", name="Opret møde").click()
        expect(page.get_by_text("Mødet er oprettet.")).to_be_visible()
    _accessible(page, live_server)
    first_meeting = group.meetings.order_by("date").first()
    _log_out(page)

    # A member proposes an item from Mine opgaver.
    login(page, first_member, TEST_PASSWORD)
    page.goto(f"{live_server.url}/mine-opgaver/")
    expect(page.get_by_role("heading", name="Kommende møder")).to_be_visible()
    _accessible(page, live_server)
    page.get_by_role("link", name=re.compile("Foreslå punkt")).first.click()
    page.get_by_label("Overskrift").fill("Erfaringer med sundhedsaftalerne")
    page.get_by_label("Kort beskrivelse").fill("Hvordan vi har organiseret arbejdet.")
    page.get_by_label("Oplægsholder").fill("Ekstern oplægsholder fra regionen")
    _accessible(page, live_server)
    page.get_by_role("button", name="Send forslag").click()
    expect(page.get_by_text("Tak for forslaget.")).to_be_visible()
    expect(page.get_by_text("Dagsordenen er ikke offentliggjort endnu.")).to_be_visible()
    _log_out(page)

    # The secretariat takes the proposal onto the agenda and publishes it, then the minutes.
    login(page, kl, TEST_PASSWORD)
    page.goto(f"{live_server.url}{first_meeting.get_absolute_url()}")
    expect(page.get_by_text("Foreslået af Børn KKR Hovedstaden")).to_be_visible()
    _accessible(page, live_server)
    page.get_by_role("button", name="Optag som nyt punkt").click()
    expect(page.get_by_text("Forslaget er optaget som punkt 1.")).to_be_visible()
    mail.outbox.clear()
    page.get_by_role("button", name="Offentliggør dagsordenen").click()
    expect(page.get_by_text("Dagsordenen er offentliggjort")).to_be_visible()
    assert sorted(len(m.to) for m in mail.outbox) == [10]
    assert mail.outbox[0].subject.startswith("Dagsorden: Møde i ")
    screenshot(page, "moede-dagsorden")
    page.get_by_role("link", name="Skriv referat").click()
    page.get_by_label("Referat").fill("Gruppen drøftede erfaringerne med sundhedsaftalerne.")
    page.get_by_role("button", name="Gem referat").click()
    mail.outbox.clear()
    page.get_by_role("button", name="Offentliggør referatet").click()
    expect(page.get_by_text("Referatet er offentliggjort")).to_be_visible()
    assert mail.outbox[0].subject.startswith("Referat: Møde i ")
    _accessible(page, live_server)
    _log_out(page)

    # The member reads the agenda and finds the meetings in the calendar and in the feed.
    login(page, first_member, TEST_PASSWORD)
    page.goto(f"{live_server.url}{first_meeting.get_absolute_url()}")
    expect(page.get_by_text("1. Erfaringer med sundhedsaftalerne")).to_be_visible()
    expect(page.get_by_text("Gruppen drøftede erfaringerne")).to_be_visible()
    page.get_by_role("link", name="Kalender", exact=True).click()
    page.wait_for_url(re.compile(r"/kalender/$"))
    page.goto(f"{live_server.url}/kalender/?maaned={year}-04")
    expect(page.get_by_role("heading", name=f"April {year}")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^10.00 Møde i"))).to_have_count(1)
    _accessible(page, live_server)
    screenshot(page, "kalender-maaned")
    page.get_by_role("link", name="Liste pr. uge").click()
    expect(page.get_by_text(re.compile(r"Frist for forslag: Møde i"))).to_have_count(1)
    _accessible(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    _no_horizontal_scroll(page)
    screenshot(page, "kalender-liste-mobil")
    page.goto(f"{live_server.url}/kalender/?maaned={year}-04")
    _no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Lav mit kalenderlink").click()
    expect(page.get_by_text("Dit kalenderlink er klar.")).to_be_visible()
    feed_url = page.get_by_label("Dit private kalenderlink").input_value()
    response = page.request.get(f"{live_server.url}{urlparse(feed_url).path}")
    assert response.status == 200
    calendar = Calendar.from_ical(response.body())
    events = calendar.walk("VEVENT")
    starts = [e.decoded("DTSTART") for e in events]
    meetings = sorted(start for start in starts if isinstance(start, datetime.datetime))
    assert [(m.date(), m.hour, m.tzinfo.key) for m in meetings] == [
        (day, 10, "Europe/Copenhagen") for day in dates
    ]
    deadlines = sorted(
        e.decoded("DTSTART") for e in events if str(e["SUMMARY"]).startswith("Frist for forslag")
    )
    assert deadlines == [day - datetime.timedelta(days=14) for day in dates]
    _accessible(page, live_server)

"""A visitor reads the framework in a real browser, in Danish and in English."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from municipalities.models import Municipality
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_browses_from_home_to_an_initiative(live_server, live_data, page, screenshot):
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    screenshot(page, "forside")

    page.get_by_role("link", name="Kommunernes fælles rolle").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kommunernes fælles rolle")
    expect(
        page.get_by_role("heading", name="Børn og unge som særligt indsatsområde")
    ).to_be_visible()
    screenshot(page, "rammepapir")

    page.get_by_role("link", name="Åben Dialog").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Forpligtende", exact=True).first).to_be_visible()
    screenshot(page, "indsats")


def test_language_choice_sticks_across_pages(live_server, live_data, page):
    page.goto(live_server.url)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Municipalities").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Municipalities")

    page.get_by_role("button", name="Dansk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommuner")


def test_keyboard_user_can_skip_to_main_content(live_server, live_data, page):
    page.goto(live_server.url)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Gå til hovedindhold")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_signed_in_coordinator_sees_their_organisation(live_server, live_data, page, login):
    user = MembershipFactory(
        role=Membership.Role.COORDINATOR,
        municipality=Municipality.objects.get(code="101"),
        user__full_name="Kim Koordinator",
    ).user

    login(page, user, TEST_PASSWORD)

    expect(page.get_by_text("Kommunal koordinator, København")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("link", name="Log ind").first).to_be_visible()

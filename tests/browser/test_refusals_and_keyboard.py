"""Refusal pages, the report form by keyboard alone, and axe on the reporting pages."""

from http import HTTPStatus

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from municipalities.models import Municipality
from tests.browser.test_accessibility import serious_violations
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_of_another_municipality_is_refused(
    live_server,
    people,
    report,
    page,
    login,
):
    stranger = MembershipFactory(
        role=Membership.Role.COORDINATOR, municipality=Municipality.objects.get(code="147")
    ).user
    login(page, stranger, TEST_PASSWORD)

    for path in [report.get_absolute_url(), f"{report.get_absolute_url()}rediger/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == HTTPStatus.NOT_FOUND
        expect(page.get_by_role("heading", level=1)).to_have_text("Siden findes ikke")
        expect(page.locator("html")).to_have_attribute("lang", "da")


def test_report_form_works_by_keyboard_alone(
    live_server,
    people,
    report,
    page,
    login,
):
    _secretariat, coordinator = people
    login(page, coordinator, TEST_PASSWORD)
    page.goto(f"{live_server.url}{report.get_absolute_url()}rediger/")

    status = page.locator("select[name$='-status']").first
    status.focus()
    expect(status).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Vi har skrevet dette med tastaturet alene.")
    focused_name = page.evaluate("document.activeElement.name")
    assert focused_name.endswith("-narrative")

    save = page.get_by_role("button", name="Gem området")
    save.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Vi har skrevet dette med tastaturet alene.")).to_be_visible()

    entry = report.entries.order_by("position").first()
    assert entry.narrative == "Vi har skrevet dette med tastaturet alene."
    assert entry.status is not None


def test_reporting_pages_have_no_serious_violations(
    live_server,
    people,
    report,
    page,
    login,
):
    secretariat, coordinator = people
    pages = {
        coordinator: [
            "/mine-opgaver/",
            report.get_absolute_url(),
            f"{report.get_absolute_url()}rediger/",
            f"{report.get_absolute_url()}historik/",
            "/pilotprojekter/",
            "/pilotprojekter/nyt/",
        ],
        secretariat: [
            "/afrapportering/runder/",
            "/afrapportering/runder/ny/",
            f"/afrapportering/runder/{report.round.slug}/",
        ],
    }
    problems = {}
    for user, paths in pages.items():
        page.context.clear_cookies()
        login(page, user, TEST_PASSWORD)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == HTTPStatus.OK, path
            found = serious_violations(page, live_server)
            if found:
                problems[path] = found

    assert problems == {}

"""Dashboard filters and a coordinator's own draft, in a real browser, with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from municipalities.models import KKR
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_dashboards_browser import reported_round  # noqa: F401 - a fixture
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEAT_MAP = "/overblik/hovedstaden-psykiatri/statuskort/"


def test_secretariat_filters_the_heat_map_by_area_and_keeps_it_across_tabs(
    live_server,
    reported_round,  # noqa: F811
    page,
    login,
    screenshot,
):
    secretariat = Membership.objects.filter(role="secretariat").first().user
    login(page, secretariat, TEST_PASSWORD)
    page.goto(f"{live_server.url}{HEAT_MAP}")

    area = page.get_by_label("Målsætningsområde")
    area.select_option(label="2. Forebyggelse af (gen)indlæggelser")
    page.get_by_role("button", name="Vis").click()

    expect(page).to_have_url(re.compile(r"omraade=2"))
    codes = page.locator("thead th.code-head").all_inner_texts()
    assert codes
    assert all(code.startswith("2.") for code in codes)
    assert serious_violations(page, live_server) == []
    screenshot(page, "dashboard-filtered")

    page.get_by_role("link", name="Overblik", exact=True).last.click()
    expect(page).to_have_url(
        re.compile(r"/overblik/hovedstaden-psykiatri/\?runde=[a-z0-9-]+&omraade=2$")
    )
    expect(page.locator("select[name=omraade]")).to_have_value("2")

    page.goto(f"{live_server.url}{HEAT_MAP}?type=alle")
    assert serious_violations(page, live_server) == []
    page.goto(f"{live_server.url}{HEAT_MAP}?omraade=9&kommune=999")
    expect(page.get_by_text("Rammepapiret har intet målsætningsområde »9«.")).to_be_visible()
    assert serious_violations(page, live_server) == []


def test_coordinator_sees_own_draft_marked_on_the_dashboards(
    live_server,
    reported_round,  # noqa: F811
    page,
    login,
    screenshot,
):
    coordinator = Membership.objects.get(role="coordinator", municipality__code="101").user
    login(page, coordinator, TEST_PASSWORD)
    page.goto(f"{live_server.url}{HEAT_MAP}")

    own_row = page.locator("tr.own-draft")
    expect(own_row).to_have_count(1)
    expect(own_row.get_by_role("rowheader")).to_contain_text("København")
    expect(own_row).to_contain_text("Kladde – ikke indsendt")
    assert serious_violations(page, live_server) == []
    screenshot(page, "dashboard-own-draft")

    for path in ["kommuner/101/", "indsatser/1.F1/"]:
        page.goto(f"{live_server.url}/overblik/hovedstaden-psykiatri/{path}")
        expect(page.get_by_text("Kladde – ikke indsendt").first).to_be_visible()
        assert serious_violations(page, live_server) == [], path


def test_politician_picks_municipalities_on_a_phone_without_ctrl_click(
    live_server,
    reported_round,  # noqa: F811
    page,
    login,
    screenshot,
):
    page.set_viewport_size({"width": 390, "height": 844})
    politician = MembershipFactory(
        role=Membership.Role.POLITICIAN,
        kkr=KKR.objects.get(slug="hovedstaden"),
        municipality=None,
    ).user
    login(page, politician, TEST_PASSWORD)
    page.goto(f"{live_server.url}{HEAT_MAP}")

    page.locator("details.checkbox-dropdown > summary").click()
    page.get_by_label("Frederiksberg").check()
    page.get_by_label("København").check()
    expect(page.get_by_label("Ballerup")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page, live_server) == []
    screenshot(page, "kommunefilter-mobil")
    page.get_by_role("button", name="Vis", exact=True).click()

    expect(page).to_have_url(re.compile(r"kommune=147&kommune=101|kommune=101&kommune=147"))
    expect(page.locator("details.checkbox-dropdown > summary")).to_have_text("2 valgt")

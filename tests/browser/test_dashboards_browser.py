"""A politician reads the regional picture and drills down, in a real browser."""

import random

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from municipalities.models import KKR
from reporting.models import Report, ReportEntry
from reporting.services.summaries import summaries_rebuild
from tests.browser.conftest import SCREENSHOTS
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reported_round(report):
    """An open Hovedstaden round where most municipalities have submitted varied answers."""
    round_ = report.round
    rng = random.Random(2026)
    for entry in ReportEntry.objects.filter(report__round=round_, initiative_kind="mandatory"):
        entry.status = rng.choice([0, 1, 2, 2, 3, 3, 4])
        entry.narrative = "Kommunen arbejder med indsatsen i samarbejde med almen praksis."
        entry.save(update_fields=["status", "narrative"])
    Report.objects.filter(round=round_).exclude(municipality__code__in=["101", "147"]).update(
        status=Report.Status.SUBMITTED
    )
    summaries_rebuild()  # as every service that writes entries keeps them
    return round_


def test_politician_reads_overview_heat_map_and_drills_down(
    live_server, reported_round, page, login, screenshot
):
    politician = MembershipFactory(
        role=Membership.Role.POLITICIAN,
        kkr=KKR.objects.get(slug="hovedstaden"),
        municipality=None,
    ).user
    login(page, politician, TEST_PASSWORD)

    page.get_by_role("link", name="Overblik").first.click()
    page.get_by_role("link", name="Kommunernes fælles rolle").click()
    expect(page.locator(".display-6").first).to_contain_text("27")  # 27 of 29 submitted
    # The area's bar says what the submitted lines say, as the heat map below does.
    embedded = ReportEntry.objects.filter(
        report__round=reported_round,
        report__status=Report.Status.SUBMITTED,
        initiative_kind="mandatory",
        area_number=1,
        status=4,
    ).count()
    assert embedded > 0
    expect(page.locator("#bar-1-desc")).to_contain_text(f"Forankret i drift: {embedded}.")
    screenshot(page, "overblik")

    page.get_by_role("link", name="Statuskort").click()
    expect(page.get_by_role("table")).to_be_visible()
    screenshot(page, "statuskort")

    page.get_by_role("link", name="Albertslund").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Albertslund Kommune")
    screenshot(page, "kommuneprofil")

    page.get_by_role("link", name="Mistrivsel og mental sundhed i jobcentrene").click()
    expect(page.get_by_text("Mange veje til samme mål")).to_be_visible()
    screenshot(page, "mange-veje")

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    (SCREENSHOTS / "handout.pdf").write_bytes(pdf)

    draft = Report.objects.get(round=reported_round, municipality__code="101")
    for path in [draft.get_absolute_url(), "/konto/brugere/", "/konto/brugere/inviter/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status in {403, 404}
    page.goto(f"{live_server.url}/drift/")
    assert "/drift/login/" in page.url


def test_heat_map_fits_a_phone(live_server, reported_round, page, login, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    secretariat = Membership.objects.filter(role="secretariat").first().user
    login(page, secretariat, TEST_PASSWORD)

    page.goto(f"{live_server.url}/overblik/hovedstaden-psykiatri/statuskort/")

    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390
    screenshot(page, "statuskort-mobil")


PHONE_PAGES = [
    "/overblik/",
    "/overblik/hovedstaden-psykiatri/",
    "/overblik/hovedstaden-psykiatri/statuskort/",
    "/overblik/hovedstaden-psykiatri/udvikling/",
    "/overblik/hovedstaden-psykiatri/nyt/",
    "/overblik/hovedstaden-psykiatri/pilotprojekter/",
    "/overblik/hovedstaden-psykiatri/indsatser/1.F1/",
    "/overblik/hovedstaden-psykiatri/kommuner/101/",
]


def test_every_dashboard_page_fits_a_phone(live_server, reported_round, page, login):
    """WCAG 1.4.10 (reflow): at 390 px no page scrolls sideways; wide tables scroll inside."""
    page.set_viewport_size({"width": 390, "height": 844})
    politician = MembershipFactory(
        role=Membership.Role.POLITICIAN,
        kkr=KKR.objects.get(slug="hovedstaden"),
        municipality=None,
    ).user
    login(page, politician, TEST_PASSWORD)

    too_wide = {}
    for path in PHONE_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
    assert too_wide == {}

"""The secretariat creates and opens a round, follows up, reminds and extends a deadline."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from municipalities.models import KKR, Municipality
from reporting.models import Report, ReportEvent, ReportingRound
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _page_does_not_scroll_sideways(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page is {width}px wide in a {viewport}px window"


def test_secretariat_creates_opens_and_follows_up_a_round(
    live_server, live_data, page, login, screenshot
):
    secretariat = MembershipFactory(
        role=Membership.Role.SECRETARIAT,
        kkr=KKR.objects.get(slug="hovedstaden"),
        municipality=None,
        user__full_name="Sara Sekretariat",
    ).user
    for code in ("101", "147"):  # København and Frederiksberg have a coordinator
        MembershipFactory(
            role=Membership.Role.COORDINATOR, municipality=Municipality.objects.get(code=code)
        )
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, secretariat, TEST_PASSWORD)

    page.goto(f"{live_server.url}/afrapportering/runder/")
    page.get_by_role("link", name="Ny runde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny afrapporteringsrunde")
    page.get_by_label("Titel").fill("Statusopfølgning 2027")
    page.get_by_label("Åbner den").fill("01-12-2026")
    page.get_by_label(re.compile(r"^\s*Frist\b")).fill("15. januar 2027")
    expect(page.get_by_label("Spørgsmål 1")).to_have_value(
        "Hvordan vil kommunen arbejde med målsætningerne?"
    )
    screenshot(page, "runde-opret")
    page.get_by_role("button", name="Opret runde").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Statusopfølgning 2027")
    expect(page.get_by_text("er oprettet som kladde")).to_be_visible()
    page.get_by_role("button", name="Åbn runde").click()
    expect(
        page.get_by_text("Runden er åbnet. 29 kommuner har fået en e-mail om afrapporteringen.")
    ).to_be_visible()
    round_ = ReportingRound.objects.get(slug="statusopfoelgning-2027")
    assert round_.status == ReportingRound.Status.OPEN
    assert round_.questions.count() == 3

    rows = page.locator("table.follow-up-grid tbody tr")
    expect(rows).to_have_count(29)
    expect(rows.filter(has_text="Ikke påbegyndt")).to_have_count(29)
    expect(page.get_by_role("link", name=re.compile(r"Ikke påbegyndt\s+29"))).to_be_visible()
    screenshot(page, "runde-opfoelgning")

    page.get_by_role("button", name="Send påmindelse til alle, der mangler").click()
    expect(page.get_by_text("Påmindelsen er sendt til 2 kommuner.")).to_be_visible()
    assert ReportEvent.objects.filter(action=ReportEvent.Action.REMINDED).count() == 2

    page.get_by_role("link", name="Forlæng frist for København").click()
    page.get_by_label("Ny frist").fill("01.02.2027")
    page.get_by_label("Begrundelse").fill("Kommunalbestyrelsen behandler rapporten 28. januar")
    page.get_by_role("button", name="Forlæng frist").click()
    expect(
        page.get_by_text("Fristen for København er forlænget til 1. februar 2027.")
    ).to_be_visible()
    expect(page.get_by_text("forlænget: Kommunalbestyrelsen behandler")).to_be_visible()
    report = Report.objects.get(round=round_, municipality__code="101")
    assert str(report.deadline) == "2027-02-01"
    _page_does_not_scroll_sideways(page)

    # The open round is still managed: the reminder plan loads in place, the deadline moves.
    expect(page.get_by_text("Næste påmindelse: 8. januar 2027 til 28 kommuner")).to_be_visible()
    page.get_by_role("button", name="Slå automatiske påmindelser fra for runden").click()
    expect(page.get_by_text("De automatiske påmindelser er slået fra for runden.")).to_be_visible()
    expect(page.get_by_text("Der sendes ingen automatiske påmindelser.")).to_be_visible()
    page.get_by_role("link", name="Rediger runde").click()
    page.get_by_label(re.compile(r"^\s*Frist\b")).fill("20-02-2027")
    page.get_by_role("button", name="Gem ændringer").click()
    expect(page.get_by_text("Ændringerne i runden er gemt.")).to_be_visible()
    page.get_by_text(re.compile(r"Rundens historik")).click()
    expect(page.locator(".round-history").get_by_text("20. februar 2027")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(rows).to_have_count(29)
    screenshot(page, "runde-opfoelgning-mobil")
    _page_does_not_scroll_sideways(page)

    page.get_by_role("link", name="Afrapporteringsrunder").first.click()
    expect(page.get_by_text("Ikke påbegyndt: 29")).to_be_visible()
    _page_does_not_scroll_sideways(page)
    screenshot(page, "runde-liste-mobil")

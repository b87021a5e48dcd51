"""The KKR Midtjylland secretariat writes a framework, adopts it and can open a round on it."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from commitments.models import Framework
from municipalities.models import KKR
from tests.browser.test_accessibility import serious_violations
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

# "Titel", not "Undertitel" or "Blokkens titel"; crispy adds an asterisk to a required field.
TITLE_FIELD = re.compile(r"^\s*Titel\b")
TITLE = "Fælles indsatser for psykiatrien i Midtjylland"


def test_midtjylland_secretariat_creates_and_adopts_a_framework(
    live_server, live_data, page, login, screenshot
):
    secretariat = MembershipFactory(
        role=Membership.Role.SECRETARIAT,
        kkr=KKR.objects.get(slug="midtjylland"),
        municipality=None,
        user__full_name="Mette Midt",
    ).user
    # A secretariat signs in with a second factor (the login fixture gives the app's code).
    login(page, secretariat, TEST_PASSWORD)

    # Before: Midtjylland has only a draft, so "Ny runde" is not open to it.
    page.goto(f"{live_server.url}/afrapportering/runder/")
    expect(page.get_by_role("link", name="Ny runde")).to_have_count(0)

    page.goto(f"{live_server.url}/rammer/")
    page.get_by_role("link", name="Nyt rammepapir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nyt rammepapir")
    assert serious_violations(page, live_server) == []
    page.get_by_label(TITLE_FIELD).fill(TITLE)
    page.get_by_label("Målsætning 1").fill("Borgeren mestrer eget liv og hverdag")
    page.get_by_role("button", name="Opret rammepapir").click()

    expect(page.get_by_text("Rammepapiret er oprettet som udkast.")).to_be_visible()
    page.get_by_role("link", name="Tilføj og rediger områder og blokke").click()
    page.get_by_label(TITLE_FIELD).fill("Mestring")
    page.get_by_role("button", name="Gem områder").click()
    expect(page.get_by_role("heading", name="1. Mestring")).to_be_visible()

    page.get_by_role("link", name="Ny indsats under område 1").click()
    # axe is added to the page the link leads to, once it has loaded, not to the one left.
    page.wait_for_url(re.compile(r"/ny-indsats/"))
    assert serious_violations(page, live_server) == []
    page.get_by_label("Forpligtende for alle kommuner").check()
    page.get_by_label("Kort titel").fill("Recovery-orienteret indsats i alle tilbud")
    page.get_by_label("Fuld tekst").fill(
        "Kommunerne arbejder recovery-orienteret i alle tilbud til borgere med psykiske lidelser."
    )
    page.get_by_role("button", name="Gem indsats").click()
    expect(page.get_by_text("Indsatsen 1.F1 er gemt.")).to_be_visible()
    initiative = page.get_by_role("link", name="Recovery-orienteret indsats i alle tilbud")
    expect(initiative).to_be_visible()
    assert serious_violations(page, live_server) == []
    screenshot(page, "rammepapir-redigering")

    page.get_by_role("link", name="Forhåndsvis rammepapiret").click()
    expect(page.get_by_text("Forhåndsvisning: rammepapiret er et udkast")).to_be_visible()
    page.get_by_role("link", name="Tilbage til redigeringen").click()

    page.get_by_role("link", name="Registrér vedtagelse").click()
    page.get_by_label("Vedtaget den").fill("01-03-2018")
    page.get_by_label(re.compile(r"^\s*Beslutning")).fill("KKR Midtjyllands møde den 1. marts 2018")
    assert serious_violations(page, live_server) == []
    page.get_by_role("button", name="Registrér vedtagelsen").click()
    expect(page.get_by_text("Rammepapiret er vedtaget.")).to_be_visible()
    expect(page.get_by_text("KKR Midtjyllands møde den 1. marts 2018")).to_be_visible()
    framework = Framework.objects.get(title=TITLE)
    assert framework.status == Framework.Status.ADOPTED
    assert framework.adopted_by == secretariat

    page.goto(f"{live_server.url}/afrapportering/runder/")
    page.get_by_role("link", name="Ny runde").click()
    expect(page.get_by_label("Rammepapir")).to_contain_text(TITLE)

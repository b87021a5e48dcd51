"""The KKR Hovedstaden secretariat starts the next revision of its paper, rewords one
initiative, adds one, drops one, reads the comparison and adopts it (decision 27)."""

import re

import pytest
from playwright.sync_api import expect

from commitments.models import Framework, Initiative
from tests.browser.test_accessibility import serious_violations
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PAPER = "hovedstaden-psykiatri"


def test_hovedstaden_revises_its_paper_and_sees_the_comparison(
    live_server, people, page, login, screenshot
):
    secretariat, _coordinator = people
    login(page, secretariat, TEST_PASSWORD)

    page.goto(f"{live_server.url}/rammer/{PAPER}/")
    page.get_by_role("button", name="Start en revision").click()
    expect(page.get_by_text("Revisionen er oprettet som udkast")).to_be_visible()
    expect(page.get_by_text("Revision af")).to_be_visible()
    assert serious_violations(page, live_server) == []
    revision = Framework.objects.get(revision_of__slug=PAPER)

    # Reword 1.F1: the service marks it "Omformuleret", as the form says it will.
    page.get_by_role("link", name="Mistrivsel og mental sundhed i jobcentrene").click()
    expect(page.get_by_text("bliver den markeret som omformuleret")).to_be_visible()
    expect(page.get_by_label("Forhold til forgængeren")).to_have_value("same")
    assert serious_violations(page, live_server) == []
    text = page.get_by_label("Fuld tekst")
    text.fill(text.input_value().replace("jobcentrene", "jobcentre og uddannelsesvejledningen"))
    page.get_by_role("button", name="Gem indsats").click()
    expect(page.get_by_text("Indsatsen 1.F1 er gemt.")).to_be_visible()
    expect(
        page.locator("#indsats-" + str(revision.initiatives.get(code="1.F1").pk))
    ).to_contain_text("Omformuleret")

    # Add a new initiative under area 1.
    page.get_by_role("link", name="Ny indsats under område 1").click()
    page.get_by_label("Forpligtende for alle kommuner").check()
    page.get_by_label("Kort titel").fill("Peer-medarbejdere i alle kommuner")
    page.get_by_label("Fuld tekst").fill(
        "Kommunerne ansætter peer-medarbejdere med egen erfaring med psykisk sygdom."
    )
    page.get_by_role("button", name="Gem indsats").click()
    expect(page.get_by_text(re.compile(r"Indsatsen 1\.F\d+ er gemt\."))).to_be_visible()

    # Drop 2.F1: it is simply not in the revision.
    page.get_by_role("link", name="Metoder, der forebygger tilbagefald og unødvendige").click()
    page.get_by_role("button", name="Slet indsatsen").click()
    expect(page.get_by_text("Indsatsen 2.F1 er slettet.")).to_be_visible()

    page.get_by_role("link", name="Sammenlign med det tidligere rammepapir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvad revisionen ændrer")
    added = page.locator("#tilfoejet")
    expect(added).to_contain_text("Peer-medarbejdere i alle kommuner")
    expect(page.locator("#udgaaet")).to_contain_text("2.F1")
    reworded = page.locator("#omformuleret")
    expect(reworded.locator("del")).to_contain_text("jobcentrene")
    expect(reworded.locator("ins")).to_contain_text("jobcentre og uddannelsesvejledningen")
    expect(page.get_by_text("Vis 22 uændrede indsatser")).to_be_visible()
    assert serious_violations(page, live_server) == []
    screenshot(page, "rammepapir-sammenligning")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page, live_server) == []
    screenshot(page, "rammepapir-sammenligning-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/rammer/{revision.slug}/rediger/")
    page.get_by_role("link", name="Registrér vedtagelse").click()
    page.get_by_label("Vedtaget den").fill("01-03-2026")
    page.get_by_label(re.compile(r"^\s*Beslutning")).fill("KKR Hovedstadens møde den 1. marts 2026")
    page.get_by_role("button", name="Registrér vedtagelsen").click()
    expect(page.get_by_text("Rammepapiret er vedtaget.")).to_be_visible()

    page.goto(f"{live_server.url}/rammer/{PAPER}/")
    expect(page.get_by_text(re.compile(r"^Erstattet, vedtaget 16\. juni 2014$"))).to_be_visible()
    expect(page.get_by_text("Erstattet af")).to_be_visible()
    assert Framework.objects.get(slug=PAPER).status == Framework.Status.REPLACED
    moved = Initiative.objects.get(framework=revision, code="1.F1")
    assert moved.relation == Initiative.Relation.REWORDED

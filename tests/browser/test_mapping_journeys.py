"""Seed 001 in the browser: KKR Midtjylland's secretariat records its mapping, a process plan
and a milestone that leads to its draft framework, and follows the way on one page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from mappings.models import Mapping, Milestone
from municipalities.models import KKR
from tests.browser.test_accessibility import serious_violations
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = "Fælles indsatser og målsætninger for psykiatriområdet i Midtjylland"
MILESTONE = "Forslag til fælles indsatser og målsætninger forelægges KKR"


def _accessible(page, live_server):
    assert serious_violations(page, live_server) == []


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_secretariat_goes_from_mapping_to_plan_to_draft(
    live_server, live_data, page, login, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    secretariat = MembershipFactory(
        role=Membership.Role.SECRETARIAT,
        kkr=KKR.objects.get(slug="midtjylland"),
        municipality=None,
        user__full_name="Jens Sekretær",
    ).user
    login(page, secretariat, TEST_PASSWORD)

    # The way is empty: the steering groups and a party come first.
    page.get_by_role("link", name="Vejen til rammepapiret", exact=True).click()
    page.get_by_role("link", name="KKR Midtjylland").click()
    expect(
        page.get_by_text("KKR Midtjylland har ikke registreret en kortlægning endnu.")
    ).to_be_visible()
    _accessible(page, live_server)
    page.get_by_role("link", name="Styregrupper og parter").click()
    page.get_by_label("Kort navn").fill("KOSU")
    page.get_by_label("Beskrivelse").fill("Administrativ styregruppe på sundhedsområdet")
    page.get_by_label("Part*", exact=True).fill("Regionen")
    _accessible(page, live_server)
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_text("Styregrupper og parter er gemt.")).to_be_visible()
    page.get_by_role("link", name="Tilbage til vejen").click()

    # The mapping, with a Danish date the form must refuse first.
    page.get_by_role("link", name="Ny kortlægning").click()
    page.get_by_label("Titel").fill(
        "Kortlægningen af bevægelser og udfordringer i indsatsen til borgere med psykiske lidelser"
    )
    page.get_by_label("Kommissorium").fill(
        "Kommissorium for en kortlægning af psykiatri-området i de midtjyske kommuner."
    )
    page.get_by_label("Kommissoriet godkendt den").fill("15.06.17")
    for name in ["Favrskov", "Aarhus", "Silkeborg", "Randers", "Struer", "Herning"]:
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Antal kommuner med på workshoppen").fill("15")
    page.get_by_label("Borgerrettede spor").fill(
        "Mestring\nTidlig opsporing\nLet tilgængelige tilbud\nFokus på beskæftigelse\n"
        "Samspil med civilsamfundet"
    )
    page.get_by_label("Interne udfordringer i kommunerne").fill("For sen handlen")
    page.get_by_label("Forelagt KKR den").fill("01-09-2017")
    page.get_by_role("button", name="Gem kortlægningen").click()
    expect(page.get_by_text("Skriv datoen som dd-mm-åååå, fx 15-12-2026.")).to_be_visible()
    _accessible(page, live_server)
    page.get_by_label("Kommissoriet godkendt den").fill("15-06-2017")
    page.get_by_role("button", name="Gem kortlægningen").click()
    expect(page.get_by_text("Kortlægningen er gemt.")).to_be_visible()
    expect(page.get_by_text("Samspil med civilsamfundet")).to_be_visible()
    page.get_by_label("Vedhæft et dokument").set_input_files(
        {"name": "kortlaegning.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n"}
    )
    page.get_by_role("button", name="Vedhæft", exact=True).click()
    expect(page.get_by_text("kortlaegning.pdf er vedhæftet kortlægningen.")).to_be_visible()
    _accessible(page, live_server)
    assert Mapping.objects.get().studied_municipalities.count() == 6

    # The process plan and the milestone that leads to the draft framework.
    page.get_by_role("link", name="Se vejen til rammepapiret").click()
    page.get_by_role("link", name="Lav procesplan").click()
    page.get_by_label("Titel").fill("Procesplan for fælles indsatser og målsætninger")
    page.get_by_label("Formål").fill(
        "Kommunerne inddrages politisk og administrativt; regionen og praktiserende læger."
    )
    page.get_by_label("KKR bad om procesplanen den").fill("1. september 2017")
    page.get_by_role("button", name="Gem procesplanen").click()
    expect(page.get_by_text("Procesplanen er gemt.")).to_be_visible()
    page.get_by_role("link", name="Ny milepæl").click()
    page.get_by_label("Milepæl*", exact=True).fill(MILESTONE)
    page.get_by_label("Dato").fill("23-03-2018")
    page.get_by_label("KOSU").check()
    page.get_by_label("Regionen").check()
    page.get_by_label("Fører til rammepapiret").select_option(label=f"{DRAFT} (udkast)")
    _accessible(page, live_server)
    page.get_by_role("button", name="Gem milepælen").click()

    # One page shows the way: mapping done, plan under way, the draft, not adopted yet.
    expect(page.get_by_text("Milepælen er tilføjet procesplanen.")).to_be_visible()
    timeline = page.locator("ol.timeline")
    expect(timeline.get_by_role("heading", name=MILESTONE)).to_be_visible()
    expect(timeline.locator("time")).to_have_attribute("datetime", "2018-03-23")
    expect(timeline.get_by_role("link", name=DRAFT)).to_be_visible()
    expect(page.get_by_text("Status: Gennemført")).to_have_count(1)
    expect(
        page.get_by_text("KKR har ikke vedtaget et rammepapir fra denne vej endnu.")
    ).to_be_visible()
    assert Milestone.objects.get().framework.title == DRAFT
    _accessible(page, live_server)
    screenshot(page, "vejen-til-rammepapiret")

    # Readable on a phone: nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_sideways_scroll(page)
    _accessible(page, live_server)
    page.get_by_role("link", name="Se kortlægningen").click()
    page.wait_for_url(re.compile(r"/kortlaegning/\d+/$"))
    _no_sideways_scroll(page)

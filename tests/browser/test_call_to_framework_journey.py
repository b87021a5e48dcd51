"""Issue 15's "Done when" for KKR Midtjylland, in the browser and in Danish: from the mapping
and the process plan (seed 001) to a call for proposals, an addressee's proposal, its
acceptance, the accepted initiatives turned into the draft framework's, the adoption and the
first reporting round. axe on every page; the conversion pages also at 390 px."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from calls.models import MergedInitiative, ProposalOrigin
from commitments.models import Framework
from demo.management.commands.seed_demo import Command as SeedDemo
from municipalities.models import KKR, Municipality
from reporting.models import ReportingRound
from tests.browser.test_accessibility import serious_violations
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = "Fælles indsatser og målsætninger for psykiatriområdet i Midtjylland"
CALL = "Forslag til fælles indsatser for psykiatrien i Midtjylland"


def _accessible(page, live_server):
    assert serious_violations(page, live_server) == []


def _looked_at(page, live_server, screenshot, name):
    """Accessible and photographed as `name`, then readable at 390 px (no sideways scroll,
    nothing serious for axe) and photographed as `name`-390; back at desktop width."""
    _accessible(page, live_server)
    screenshot(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _accessible(page, live_server)
    screenshot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_midtjylland_goes_from_mapping_to_call_to_adopted_framework_and_first_round(
    live_server, live_data, page, login, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    midtjylland = KKR.objects.get(slug="midtjylland")
    secretariat = MembershipFactory(
        role=Membership.Role.SECRETARIAT,
        kkr=midtjylland,
        municipality=None,
        user__email="sekretariat@kkr-midtjylland.demo",
        user__full_name="Jens Sekretær",
    ).user
    addressee = MembershipFactory(
        role=Membership.Role.COORDINATOR,
        municipality=Municipality.objects.get(code="751"),
        user__full_name="Anna Aarhus",
    ).user
    # Seed 001 as the demo has it: the mapping, KOSU and DASSOS, and the process plan whose
    # last milestone leads to the draft framework of fixtures/frameworks.json.
    SeedDemo().framework_path()
    deadline = timezone.localdate() + datetime.timedelta(days=30)

    # The secretariat reads its mapping and process plan, then calls for proposals.
    login(page, secretariat, TEST_PASSWORD)
    page.get_by_role("link", name="Vejen til rammepapiret", exact=True).click()
    page.get_by_role("link", name="KKR Midtjylland").click()
    expect(
        page.get_by_role(
            "heading", name="Forslag til fælles indsatser og målsætninger forelægges KKR"
        )
    ).to_be_visible()
    _accessible(page, live_server)
    page.get_by_role("link", name=re.compile("^Se kortlægningen")).click()
    expect(page.get_by_text("Mestring").first).to_be_visible()
    _accessible(page, live_server)
    page.go_back()
    page.get_by_role("link", name="Indkald forslag til fælles indsatser").click()
    page.get_by_label("Titel").fill(CALL)
    page.get_by_label("Brevtekst").fill(
        "KOSU og DASSOS beder kommunerne om forslag til fælles indsatser på grundlag af "
        "kortlægningen."
    )
    page.get_by_label("Anna Aarhus").check()
    page.get_by_label("Foreslåede temaer").fill("Mestring\nTidlig opsporing")
    page.get_by_label("Frist").fill(deadline.strftime("%d-%m-%Y"))
    page.get_by_label("Adresse til spørgsmål og forslag").fill("psykiatri@kkr-midtjylland.dk")
    _accessible(page, live_server)
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CALL)
    page.get_by_role("button", name="Send indkaldelsen").click()
    expect(page.get_by_text("Indkaldelsen er sendt til modtagerne.")).to_be_visible()
    _accessible(page, live_server)
    page.get_by_role("button", name="Log ud").click()

    # The addressee proposes two initiatives and submits.
    login(page, addressee, TEST_PASSWORD)
    page.get_by_role("link", name="Indkaldelser", exact=True).click()
    page.get_by_role("link", name=CALL).click()
    page.get_by_role("link", name="Skriv et forslag").click()
    page.get_by_label("Foreslået målsætning").fill("Borgeren mestrer eget liv og hverdag.")
    for number, (theme, text) in enumerate(
        [
            ("Mestring", "Recovery-orienteret indsats i alle kommunale tilbud."),
            ("Tidlig opsporing", "Fælles redskab til tidlig opsporing i jobcentrene."),
        ],
        start=1,
    ):
        group = page.get_by_role("group", name=f"Indsats {number}")
        group.get_by_label("Tema").select_option(label=theme)
        group.get_by_label("Indsats*", exact=True).fill(text)
        group.get_by_label("Begrundelse").fill("Kortlægningen peger på sporet.")
    page.get_by_role("button", name="Gem kladde").click()
    page.get_by_role("button", name="Indsend forslaget").click()
    expect(page.get_by_text("Dit forslag er indsendt til sekretariatet.")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # The secretariat accepts it and turns it into the draft's initiatives.
    login(page, secretariat, TEST_PASSWORD)
    page.get_by_role("link", name="Indkaldelser", exact=True).click()
    page.get_by_role("link", name=CALL).click()
    page.get_by_role("link", name="Anna Aarhus").click()
    page.get_by_label("Acceptér").check()
    page.get_by_role("button", name="Gem afgørelse").click()
    expect(page.get_by_text("Forslaget er behandlet: accepteret.")).to_be_visible()
    # A merge made by mistake is undone after a page that shows what it undoes.
    page.get_by_role("link", name=CALL).click()
    page.get_by_role("link", name="Læg indsatser sammen").click()
    page.get_by_label(re.compile("Recovery-orienteret")).check()
    page.get_by_label(re.compile("Fælles redskab")).check()
    page.get_by_label("Den samlede indsats").fill("Recovery og tidlig opsporing.")
    page.get_by_label("Begrundelse for sammenlægningen").fill("Samme spor.")
    page.get_by_role("button", name="Læg sammen").click()
    expect(page.get_by_text("Indsatserne er lagt sammen til én.")).to_be_visible()
    page.get_by_role("link", name="Læg indsatser sammen").click()
    page.get_by_role("link", name="Fortryd sammenlægningen").click()
    expect(page.get_by_text("De 2 indsatser bliver igen indsatser hver for sig")).to_be_visible()
    _looked_at(page, live_server, screenshot, "fortryd-sammenlaegning")
    page.get_by_role("button", name="Fortryd sammenlægningen").click()
    expect(page.get_by_text("Sammenlægningen er fortrudt.")).to_be_visible()
    assert not MergedInitiative.objects.exists()
    page.get_by_role("link", name=CALL).click()
    page.get_by_role("link", name="Til udkast til rammepapir").click()
    expect(page.get_by_label("Udkast til rammepapir")).to_have_value(
        str(Framework.objects.get(title=DRAFT).pk)
    )
    first, second = (
        page.get_by_role("group", name="Indsats 1"),
        page.get_by_role("group", name="Indsats 2"),
    )
    first.get_by_label("Område").select_option(label="1. Mestring")
    second.get_by_label("Område").select_option(label="2. Tidlig opsporing")
    second.get_by_label("Kort titel").fill("Tidlig opsporing i jobcentrene")
    _looked_at(page, live_server, screenshot, "forslag-til-rammepapir")
    page.get_by_role("button", name="Gennemse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bekræft: forslag til udkast til rammepapir"
    )
    _looked_at(page, live_server, screenshot, "forslag-til-rammepapir-bekraeft")
    page.get_by_role("button", name="Opret indsatserne").click()
    expect(page.get_by_text("2 indsatser er oprettet i udkastet til rammepapir.")).to_be_visible()
    expect(page.get_by_role("link", name="Fra forslag af Anna Aarhus (Aarhus)")).to_have_count(2)
    _accessible(page, live_server)
    framework = Framework.objects.get(title=DRAFT)
    assert sorted(framework.initiatives.values_list("code", flat=True)) == ["1.F1", "2.F1"]
    assert ProposalOrigin.objects.filter(initiative__framework=framework).count() == 2

    # The framework page links back to the way to it; then the KKR adopts the framework.
    page.get_by_role("link", name="Forhåndsvis rammepapiret").click()
    page.get_by_role("link", name="Vejen til rammepapiret: kortlægning og procesplan").click()
    expect(page.get_by_role("link", name=DRAFT).first).to_be_visible()
    page.get_by_role("link", name=DRAFT).first.click()
    page.get_by_role("link", name="Tilbage til redigeringen").click()
    page.get_by_role("link", name="Registrér vedtagelse").click()
    page.get_by_label("Vedtaget den").fill(timezone.localdate().strftime("%d-%m-%Y"))
    page.get_by_label(re.compile(r"^\s*Beslutning")).fill("KKR Midtjyllands møde")
    page.get_by_role("button", name="Registrér vedtagelsen").click()
    expect(page.get_by_text("Rammepapiret er vedtaget.")).to_be_visible()
    _accessible(page, live_server)

    # The first reporting round on the adopted framework.
    page.goto(f"{live_server.url}/afrapportering/runder/")
    page.get_by_role("link", name="Ny runde").click()
    expect(page.get_by_label("Rammepapir")).to_contain_text(DRAFT)
    page.get_by_label("Titel").fill("Første statusopfølgning")
    page.get_by_label("Åbner den").fill(timezone.localdate().strftime("%d-%m-%Y"))
    page.get_by_label(re.compile(r"^\s*Frist\b")).fill(
        (timezone.localdate() + datetime.timedelta(days=45)).strftime("%d-%m-%Y")
    )
    _accessible(page, live_server)
    page.get_by_role("button", name="Opret runde").click()
    page.on("dialog", lambda dialog: dialog.accept())  # "Åbn runde" asks first
    page.get_by_role("button", name="Åbn runde").click()
    expect(page.get_by_text("Runden er åbnet.")).to_be_visible()
    _accessible(page, live_server)
    round_ = ReportingRound.objects.get(framework=framework)
    assert round_.status == ReportingRound.Status.OPEN

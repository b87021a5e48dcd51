"""Seed 000 in the browser: KKR Hovedstaden's secretariat opens a call for proposals, a
municipal co-chair submits a proposal, and the secretariat accepts it."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from calls.models import Proposal
from municipalities.models import KKR, Municipality
from tests.browser.test_accessibility import serious_violations
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Fælles kommunale målsætninger for psykiatrien"


def _accessible(page, live_server):
    assert serious_violations(page, live_server) == []


def test_secretariat_opens_a_call_a_co_chair_proposes_and_the_secretariat_accepts(
    live_server, live_data, page, login
):
    hovedstaden = KKR.objects.get(slug="hovedstaden")
    secretariat = MembershipFactory(
        role=Membership.Role.SECRETARIAT, kkr=hovedstaden, municipality=None
    ).user
    co_chair = MembershipFactory(
        role=Membership.Role.POLITICIAN,
        municipality=Municipality.objects.get(code="165"),
        kkr=None,
        user__full_name="Sven Bjerre",
    ).user
    deadline = timezone.localdate() + datetime.timedelta(days=60)

    # The secretariat drafts the call and sends it to the co-chair.
    login(page, secretariat, TEST_PASSWORD)
    page.get_by_role("link", name="Indkaldelser", exact=True).click()
    page.get_by_role("link", name="Ny indkaldelse").click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Brevtekst").fill(
        "KKRs Embedsmandsudvalg for Sundhed inviterer derfor Psykiatriens Samordningsudvalg til "
        "at bistå kommunerne med at skabe gode, virkelighedsnære målsætninger."
    )
    page.get_by_label("Sven Bjerre").check()
    page.get_by_label("Foreslåede temaer").fill(
        "unge med psykiatriske lidelser\n"
        "sammenhængen mellem psykiatri og beskæftigelsesområdet\n"
        "psykisk syge med somatiske lidelser"
    )
    page.get_by_label("Frist").fill(deadline.strftime("%d-%m-%Y"))  # typed the Danish way
    page.get_by_label("Adresse til spørgsmål og forslag").fill("afp@kl.dk")
    _accessible(page, live_server)
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    _accessible(page, live_server)
    page.get_by_role("button", name="Send indkaldelsen").click()
    expect(page.get_by_text("Indkaldelsen er sendt til modtagerne.")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[co_chair.email]]
    page.get_by_role("button", name="Log ud").click()

    # The co-chair writes a proposal, saves the draft and submits it.
    login(page, co_chair, TEST_PASSWORD)
    page.get_by_role("link", name="Indkaldelser", exact=True).click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Skriv et forslag").click()
    page.get_by_label("Foreslået målsætning").fill("Flere unge med psykiatriske lidelser i job.")
    first = page.get_by_role("group", name="Indsats 1")
    first.get_by_label("Tema").select_option(label="unge med psykiatriske lidelser")
    first.get_by_label("Forpligtende eller pilotprojekt").select_option(
        label="Forpligtende for alle kommuner"
    )
    first.get_by_label("Indsats*", exact=True).fill("En fast kontaktperson for unge.")
    first.get_by_label("Begrundelse").fill("De unge falder mellem to stole.")
    _accessible(page, live_server)
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_text("Kun du kan se det.")).to_be_visible()
    _accessible(page, live_server)
    page.get_by_role("button", name="Indsend forslaget").click()
    expect(page.get_by_text("Dit forslag er indsendt til sekretariatet.")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # The secretariat accepts it with a comment.
    login(page, secretariat, TEST_PASSWORD)
    page.get_by_role("link", name="Indkaldelser", exact=True).click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Sven Bjerre").click()
    expect(page.get_by_text("En fast kontaktperson for unge.")).to_be_visible()
    page.get_by_label("Acceptér").check()
    page.get_by_label("Kommentar til forslagsstilleren").fill("Tak, indgår i udkastet.")
    _accessible(page, live_server)
    page.get_by_role("button", name="Gem afgørelse").click()
    expect(page.get_by_text("Forslaget er behandlet: accepteret.")).to_be_visible()
    assert Proposal.objects.get().status == Proposal.Status.ACCEPTED

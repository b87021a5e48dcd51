"""A coordinator starts a pilot project and invites a neighbour, who accepts in "Mine opgaver"."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from municipalities.models import Municipality
from pilots.models import PilotParticipation, PilotProject
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _coordinator(code, name):
    return MembershipFactory(
        role=Membership.Role.COORDINATOR,
        municipality=Municipality.objects.get(code=code),
        user__full_name=name,
    ).user


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_pilot_created_invited_and_accepted(live_server, live_data, page, login, screenshot):
    lead = _coordinator("101", "Kim København")
    invited = _coordinator("147", "Frida Frederiksberg")

    login(page, lead, TEST_PASSWORD)
    page.goto(f"{live_server.url}/pilotprojekter/")
    page.get_by_role("link", name="Opret pilotprojekt").click()
    page.get_by_label("Pilotindsats").select_option(
        label="2.P2 Akuttilbud til borgere i akut krise"
    )
    page.get_by_label("Titel").fill("Fælles akuttilbud på Frederiksberg og i København")
    page.get_by_label("Beskrivelse").fill("Et døgnåbent tilbud til borgere i akut psykisk krise.")
    page.get_by_label("Start").fill("2026-02-01")
    page.get_by_label("Kontaktperson", exact=True).fill("Pia Projektleder")
    page.get_by_role("button", name="Opret pilotprojekt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fælles akuttilbud på Frederiksberg og i København"
    )

    page.get_by_role("link", name="Invitér kommuner").click()
    page.get_by_label("Frederiksberg").check()
    page.get_by_role("button", name="Send invitationer").click()
    expect(page.get_by_text("Invitationen er sendt til Frederiksberg.")).to_be_visible()
    page.goto(f"{live_server.url}/pilotprojekter/")
    expect(page.get_by_text("Frederiksberg (inviteret)")).to_be_visible()
    screenshot(page, "pilot-oversigt")
    page.get_by_role("button", name="Log ud").click()

    login(page, invited, TEST_PASSWORD)
    page.get_by_role("link", name="Gå til Mine opgaver").click()
    expect(page.get_by_role("heading", name="Invitationer til pilotprojekter")).to_be_visible()
    expect(page.get_by_text("Inviteret af København")).to_be_visible()
    screenshot(page, "mine-opgaver")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_horizontal_scroll(page)
    screenshot(page, "mine-opgaver-mobil")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Frederiksberg deltager").click()
    expect(
        page.get_by_text("Frederiksberg deltager nu i Fælles akuttilbud på Frederiksberg")
    ).to_be_visible()
    expect(page.get_by_text("Ingen ubesvarede invitationer.")).to_be_visible()
    project = PilotProject.objects.get()
    assert project.participations.get().status == PilotParticipation.Status.ACCEPTED

    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    screenshot(page, "pilot-detalje")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_horizontal_scroll(page)

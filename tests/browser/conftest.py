"""Browser tests: Playwright driving Debian's Chromium against a live server."""

import datetime
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership
from commitments.models import Framework
from municipalities.models import KKR, Municipality
from reporting.models import Report
from reporting.services import rounds as round_services
from tests.factories import MembershipFactory
from twofactor.permissions import requires_two_factor

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# tests themselves (creating users, reading results) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pytest_collection_modifyitems(items):
    # A test that drives the browser, not every test in this folder: the demo data's checks
    # live beside the demo pages so that the demo is seeded once (test_demo_data.py).
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def live_data(transactional_db):
    """The reference data on an otherwise empty database: a browser test commits what it
    writes, so it starts from nothing left behind by any earlier test on the worker."""
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", "municipalities", "frameworks", verbosity=0)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under docs/screenshots/ for the README and for review."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(live_server):
    """Sign in with the form; a user who must use a second factor gives the code of an
    authenticator app (the demo's, or one made here), as a person would."""

    def sign_in(page, user, password):
        device = None
        if requires_two_factor(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
            # A code is accepted once per 30 seconds; a test may sign in twice within them.
            TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        page.goto(f"{live_server.url}/konto/log-ind/")
        page.get_by_label("E-mailadresse").fill(user.email)
        page.get_by_label("Adgangskode").fill(password)
        page.get_by_role("button", name="Log ind").click()
        if device is not None:
            page.get_by_label("Kode").fill(f"{totp(device.bin_key):06d}")
            page.get_by_role("button", name="Bekræft").click()

    return sign_in


@pytest.fixture
def people(live_data):
    secretariat = MembershipFactory(
        role=Membership.Role.SECRETARIAT,
        kkr=KKR.objects.get(slug="hovedstaden"),
        municipality=None,
        user__full_name="Sara Sekretariat",
    ).user
    coordinator = MembershipFactory(
        role=Membership.Role.COORDINATOR,
        municipality=Municipality.objects.get(code="101"),
        user__full_name="Kim Koordinator",
    ).user
    return secretariat, coordinator


@pytest.fixture
def report(people) -> Report:
    secretariat, _coordinator = people
    round_ = round_services.round_create(
        actor=secretariat,
        framework=Framework.objects.get(slug="hovedstaden-psykiatri"),
        title="Statusopfølgning 2026",
        slug="statusopfoelgning-2026",
        opens_on=datetime.date(2026, 11, 1),
        deadline=datetime.date(2026, 12, 15),
    )
    round_services.round_open(actor=secretariat, round_=round_)
    return round_.reports.get(municipality__code="101")

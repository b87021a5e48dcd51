"""Shared users and data for the whole suite."""

import asyncio
import datetime

import pytest
from django.core.management import call_command
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import Membership
from municipalities.models import KKR, Municipality
from tests.factories import MembershipFactory, UserFactory
from twofactor.signals import HAS_DEVICE_SESSION_KEY, REQUIRED_SESSION_KEY

# Seeding the demo takes a minute: it runs once per test run, for the tests of this module
# together (tests/browser/test_demo_data.py). xdist hands out whole files (`--dist loadfile`
# in pyproject.toml), so they run one after another on one worker.
TOGETHER = "tests/browser/test_demo_data.py::"


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return (
        "transactional_db" in fixtures
        or "live_server" in fixtures
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (the browser's, the worker's, the restore drill) commit what they
    write and empty the database when they end, so they run after every other test: the
    demo-data module's tests first, together and in the module's order, then the rest.

    (pytest-django orders them last too, but not a test that also takes a parameter named
    like a Playwright fixture, which moved the browser tests to the middle of the run.)"""
    together = [item for item in items if item.nodeid.startswith(TOGETHER)]
    rest = [item for item in items if not item.nodeid.startswith(TOGETHER)]
    plain = [item for item in rest if not _transactional(item)]
    transactional = [item for item in rest if _transactional(item)]
    items[:] = [*plain, *together, *transactional]


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """client.force_login stands for a complete sign-in, both factors: the session of a user
    who must use a second factor is marked as having passed it (no device is written, so a
    test's tables are as it made them). Tests of the second factor itself sign in with the
    password form, or use `unverified_login`."""
    force_login = ClientMixin.force_login

    def complete_login(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        if session.get(REQUIRED_SESSION_KEY) or session.get(HAS_DEVICE_SESSION_KEY):
            session[DEVICE_ID_SESSION_KEY] = "tests.force_login/0"
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", complete_login)
    monkeypatch.setattr(ClientMixin, "unverified_login", force_login, raising=False)


@pytest.fixture(autouse=True)
def _no_event_loop_left_by_the_browser(request):
    """A test without a browser runs as a plain synchronous caller, as gunicorn's are.

    Playwright's sync API keeps its event loop marked as running in the worker's thread from
    the first browser test to the end of the session, and Django then refuses to run an async
    view (the health pages) from a test client in that thread.
    """
    loop = asyncio._get_running_loop()
    if loop is None or "page" in request.fixturenames:
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once per test database; each test rolls back on top of it."""
    with django_db_blocker.unblock():
        call_command("loaddata", "municipalities", "frameworks", verbosity=0)


@pytest.fixture
def reference_data(db):
    """The real KKRs, municipalities and frameworks from fixtures/.

    Loaded once by `django_db_setup`; a transactional test empties the database when it ends,
    so load again if that happened before this test.
    """
    if not KKR.objects.exists():
        call_command("loaddata", "municipalities", "frameworks", verbosity=0)


@pytest.fixture
def hovedstaden(reference_data) -> KKR:
    return KKR.objects.get(slug="hovedstaden")


@pytest.fixture
def own_municipality(reference_data) -> Municipality:
    return Municipality.objects.get(code="101")  # København


@pytest.fixture
def other_municipality(reference_data) -> Municipality:
    return Municipality.objects.get(code="147")  # Frederiksberg, same KKR


@pytest.fixture
def foreign_municipality(reference_data) -> Municipality:
    return Municipality.objects.get(code="751")  # Aarhus, KKR Midtjylland


@pytest.fixture
def coordinator(own_municipality):
    return MembershipFactory(
        role=Membership.Role.COORDINATOR, municipality=own_municipality, user__full_name="Kim Kbh"
    ).user


@pytest.fixture
def other_coordinator(other_municipality):
    return MembershipFactory(role=Membership.Role.COORDINATOR, municipality=other_municipality).user


@pytest.fixture
def foreign_coordinator(foreign_municipality):
    return MembershipFactory(
        role=Membership.Role.COORDINATOR, municipality=foreign_municipality
    ).user


@pytest.fixture
def secretariat(hovedstaden):
    return MembershipFactory(
        role=Membership.Role.SECRETARIAT, kkr=hovedstaden, municipality=None
    ).user


@pytest.fixture
def foreign_secretariat(reference_data):
    return MembershipFactory(
        role=Membership.Role.SECRETARIAT,
        kkr=KKR.objects.get(slug="midtjylland"),
        municipality=None,
    ).user


@pytest.fixture
def politician(hovedstaden):
    return MembershipFactory(
        role=Membership.Role.POLITICIAN, kkr=hovedstaden, municipality=None
    ).user


@pytest.fixture
def kl_secretariat(db):
    """Staff of KL's secretariat (an organisation outside the KKRs), with no KKR role."""
    from tests.factories import OrganisationFactory

    user = UserFactory(full_name="Karen KL")
    OrganisationFactory().staff.add(user)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def hovedstaden_framework(reference_data):
    from commitments.models import Framework

    return Framework.objects.get(slug="hovedstaden-psykiatri")


@pytest.fixture
def open_round(hovedstaden_framework, secretariat, django_capture_on_commit_callbacks):
    """An open round of the real Hovedstaden framework: 29 reports of 24 entries each."""
    from reporting.services import rounds as round_services

    round_ = round_services.round_create(
        actor=secretariat,
        framework=hovedstaden_framework,
        title="Statusopfølgning 2026",
        slug="statusopfoelgning-2026",
        opens_on=datetime.date(2026, 11, 1),
        deadline=datetime.date(2026, 12, 15),
    )
    with django_capture_on_commit_callbacks(execute=True):
        round_services.round_open(actor=secretariat, round_=round_)
    round_.refresh_from_db()
    return round_


@pytest.fixture
def own_report(open_round, own_municipality):
    return open_round.reports.get(municipality=own_municipality)


@pytest.fixture
def other_report(open_round, other_municipality):
    return open_round.reports.get(municipality=other_municipality)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: primary keys repeat between tests."""
    from django.core.cache import cache

    from core.memo import clear_all

    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()


@pytest.fixture
def smtp_down(settings):
    """The real SMTP backend pointed at a port on this machine where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_TIMEOUT = 2
    return settings


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down():
    """Celery configured with a Redis broker on a port where nothing listens."""
    from core import tasks
    from tests.brokers import celery_broker

    with celery_broker(f"redis://127.0.0.1:{_closed_port()}/0") as app:
        yield app
    tasks._broker_down_until = 0.0  # the next test starts with a broker it may try

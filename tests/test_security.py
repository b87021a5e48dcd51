"""Security: the production profile, private pages, malformed requests, outages, proxies.

Issue #12's defects 4, 6 (request level) and 9, and the client address behind a proxy.
"""

import logging
import os
import runpy
import secrets
import socket
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.base import UpdateError
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError
from django.test import Client, override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from core import cache as fail_soft
from core.uploads import ATTACHMENT_MAX_BYTES
from reporting.models import Attachment
from reporting.services import attachments as attachment_services
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
# Every variable portal/settings.py reads that decides the profile under test.
PROFILE_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "SECURE_HTTPS",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "TRUSTED_PROXY_COUNT",
    "REDIS_URL",
]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "psykiatriportalen.example.dk",
    "SITE_URL": "https://psykiatriportalen.example.dk",
    "TRUSTED_PROXY_COUNT": "1",
}


def settings_under(monkeypatch, **environment) -> dict:
    """What portal/settings.py sets in this environment (and nothing else of the caller's)."""
    for name in PROFILE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(ROOT / "portal" / "settings.py"))
    return {name: value for name, value in values.items() if name.isupper()}


def picked(values: dict, *names: str) -> dict:
    return {name: values[name] for name in names}


# --- the production profile ------------------------------------------------------------------


def test_check_deploy_is_silent_under_the_production_profile():
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 - only a fallback for a bare env
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        **PRODUCTION,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_production_profile_redirects_to_https_and_sends_hsts(monkeypatch, reference_data):
    production = settings_under(monkeypatch, **PRODUCTION)
    assert production["SESSION_COOKIE_SECURE"] is production["CSRF_COOKIE_SECURE"] is True

    with override_settings(
        **picked(
            production,
            "SECURE_SSL_REDIRECT",
            "SECURE_PROXY_SSL_HEADER",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
        )
    ):
        client = Client()
        plain = client.get("/kommuner/")
        through_proxy = client.get("/kommuner/", headers={"X-Forwarded-Proto": "https"})

    assert plain.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert plain["Location"] == "https://testserver/kommuner/"
    assert through_proxy.status_code == HTTPStatus.OK
    assert through_proxy["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_without_a_trusted_proxy_a_client_cannot_claim_https(monkeypatch):
    production = settings_under(monkeypatch, **{**PRODUCTION, "TRUSTED_PROXY_COUNT": "0"})

    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] is None


def test_plain_http_switch_is_for_loopback_only(monkeypatch):
    loopback = settings_under(
        monkeypatch, **{**PRODUCTION, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_HTTPS": "false"}
    )
    assert loopback["SECURE_SSL_REDIRECT"] is False
    assert loopback["SESSION_COOKIE_SECURE"] is False
    assert loopback["SECURE_HSTS_SECONDS"] == 0

    with pytest.raises(ImproperlyConfigured, match=r"SECURE_HTTPS=false is for 127\.0\.0\.1"):
        settings_under(monkeypatch, **{**PRODUCTION, "SECURE_HTTPS": "false"})


def test_every_page_switches_off_browser_features_the_portal_does_not_use(client, reference_data):
    response = client.get(reverse("home"))

    policy = response["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"]:
        assert feature in policy


# --- Cache-Control on pages that show drafts (defect 9) --------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def attachment(own_report, coordinator, media):
    entry = own_report.entries.order_by("position").first()
    return attachment_services.attachment_add(
        actor=coordinator,
        entry=entry,
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf"),
    )


def _draft_pages(report, attachment) -> dict[str, str]:
    framework = report.round.framework.slug
    drafts = f"?runde={report.round.slug}&kladder=1"
    return {
        "report detail": reverse("reporting:report_detail", args=[report.pk]),
        "report edit": reverse("reporting:report_edit", args=[report.pk]),
        "report history": reverse("reporting:report_history", args=[report.pk]),
        "round follow-up": reverse("reporting:round_detail", args=[report.round.slug]),
        "heat map with drafts": reverse("dashboards:heat_map", args=[framework]) + drafts,
        "overview with drafts": reverse("dashboards:overview", args=[framework]) + drafts,
        "PDF handout": reverse("dashboards:handout_pdf", args=[framework]) + drafts,
        "attachment": reverse(
            "reporting:report_attachment_download", args=[report.pk, attachment.pk]
        ),
    }


@pytest.mark.parametrize(
    "page",
    [
        "report detail",
        "report history",
        "round follow-up",
        "heat map with drafts",
        "overview with drafts",
        "PDF handout",
        "attachment",
    ],
)
def test_pages_that_show_drafts_are_never_stored_by_a_cache(
    client, secretariat, own_report, attachment, page
):
    client.force_login(secretariat)

    response = client.get(_draft_pages(own_report, attachment)[page])

    assert response.status_code == HTTPStatus.OK
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_the_coordinators_edit_form_is_never_stored_by_a_cache(
    client, coordinator, own_report, attachment
):
    client.force_login(coordinator)

    response = client.get(_draft_pages(own_report, attachment)["report edit"])

    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_anonymous_visitors_stay_cacheable(client, reference_data):
    response = client.get(reverse("municipalities:municipality_list"))

    assert response.status_code == HTTPStatus.OK
    assert "Cache-Control" not in response


# --- uploads over the limit refused before the body is read (defect 9) -----------------------


def _upload_url(report):
    entry = report.entries.order_by("position").first()
    return reverse(
        "reporting:report_attachment_upload", kwargs={"pk": report.pk, "entry_pk": entry.pk}
    )


def test_an_upload_over_the_limit_is_refused_from_content_length_before_the_body_is_read(
    coordinator, own_report, media
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    client.get(reverse("reporting:report_edit", args=[own_report.pk]))  # the CSRF cookie

    # The body sent is small; the header announces 50 MB. The test client refuses to read
    # past the body it has, so reading it at all (for the CSRF token, or the file) would fail.
    response = client.post(
        _upload_url(own_report),
        data=b"x" * 100,
        content_type="multipart/form-data; boundary=grens",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("reporting:report_edit", args=[own_report.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Filen blev ikke vedhæftet: Filen er for stor. En fil må højst fylde 10 MB."
    ]
    assert Attachment.objects.count() == 0


def test_an_upload_within_the_limit_still_needs_the_csrf_token(coordinator, own_report, media):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    response = client.post(
        _upload_url(own_report),
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF" + b"0" * ATTACHMENT_MAX_BYTES)},
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Attachment.objects.count() == 0


# --- malformed requests and error pages (defect 6) -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/kommuner/101%00/",
        "/rammer/hovedstaden-psykiatri/indsatser/1.F1%00/",
        "/overblik/hovedstaden-psykiatri/kommuner/101%00/",
        "/overblik/hovedstaden-psykiatri/indsatser/1.F1%00/",
        "/kommuner/?q=%00",
        "/overblik/hovedstaden-psykiatri/statuskort/?kommune=%00",
        "/konto/log-ind/?next=/%00",
    ],
)
def test_a_nul_byte_in_the_url_is_a_danish_bad_request(reference_data, url):
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Forespørgslen kunne ikke læses" in response.content.decode()


def test_a_form_post_in_latin_1_is_a_danish_bad_request(reference_data):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(reverse("accounts:login"))
    token = client.cookies["csrftoken"].value

    response = client.post(
        reverse("accounts:login"),
        data=f"csrfmiddlewaretoken={token}&username=s%F8ren%40example.dk&password=x",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    content = response.content.decode()
    assert '<html lang="da">' in content
    assert "Forespørgslen kunne ikke læses" in content


def test_the_bad_request_page_is_danish_and_english_on_request(reference_data):
    client = Client(raise_request_exception=False)

    danish = client.get("/", headers={"Host": "angriber.example"})
    client.cookies["django_language"] = "en"
    english = client.get("/", headers={"Host": "angriber.example"})

    assert danish.status_code == english.status_code == HTTPStatus.BAD_REQUEST
    assert "Forespørgslen kunne ikke læses" in danish.content.decode()
    assert "The request could not be read" in english.content.decode()


def test_a_refused_csrf_token_gets_the_portals_danish_page(reference_data):
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "a@example.dk", "password": "x"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Formularen kunne ikke sendes" in response.content.decode()


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
    ],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_the_database_being_down_answers_503_with_a_danish_page(
    reference_data, coordinator, error, signed_in
):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(coordinator)

    with mock.patch("django.db.backends.utils.CursorWrapper._execute", side_effect=error):
        response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert '<html lang="da">' in content
    assert "Prøv igen om lidt" in content


@pytest.fixture
def session_saved_on_every_request(settings):
    settings.SESSION_RENEWAL_SECONDS = 0


def _session_save_fails(cause: Exception | None):
    error = UpdateError()
    error.__context__ = cause
    return mock.patch("django.contrib.sessions.backends.db.SessionStore.save", side_effect=error)


def test_a_session_the_database_could_not_save_is_503_not_400(
    reference_data, coordinator, session_saved_on_every_request
):
    # The database restarts while a signed-in page is served: the page was rendered, then
    # saving the session fails, which Django reports as an interrupted session (400).
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)

    with _session_save_fails(OperationalError("terminating connection")) as save:
        response = client.get(reverse("home"))

    assert save.called
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "Prøv igen om lidt" in response.content.decode()


def test_a_session_deleted_by_another_request_stays_a_bad_request(
    reference_data, coordinator, session_saved_on_every_request
):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)

    with _session_save_fails(None) as save:
        response = client.get(reverse("home"))

    assert save.called
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_any_other_error_is_the_danish_500_page(reference_data):
    client = Client(raise_request_exception=False)

    with mock.patch("portal.views.get_scope", side_effect=RuntimeError("a bug")):
        response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Der opstod en fejl" in response.content.decode()


# --- a Redis outage (defect 4) ---------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def fresh_outage(monkeypatch):
    monkeypatch.setattr(fail_soft, "outage", fail_soft._Outage())
    return fail_soft.outage


def test_dashboards_are_computed_when_redis_is_down_and_the_outage_is_logged_once(
    monkeypatch, client, secretariat, open_round, caplog, fresh_outage
):
    caches = settings_under(
        monkeypatch, DEBUG="true", REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0"
    )["CACHES"]
    client.force_login(secretariat)
    slug = open_round.framework.slug

    with override_settings(CACHES=caches), caplog.at_level(logging.ERROR):
        responses = [
            client.get(reverse(f"dashboards:{page}", args=[slug]))
            for page in ["overview", "heat_map", "overview"]
        ]

    assert [r.status_code for r in responses] == [HTTPStatus.OK] * 3
    assert "Statusopfølgning 2026" in responses[0].content.decode()
    outage_logs = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(outage_logs) == 1
    assert outage_logs[0].getMessage().startswith("Cache unreachable")


def test_the_cache_is_tried_again_later_and_its_return_is_logged(monkeypatch, caplog, fresh_outage):
    backend = fail_soft.FailSoftRedisCache("redis://127.0.0.1:6379/0", {})
    answers = iter([RedisConnectionError("down"), RedisConnectionError("down"), "figures"])

    def redis_get(self, key, default=None, version=None):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.get", redis_get)

    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert backend.get("key", "miss") == "miss"  # down: logged
        assert backend.get("key", "miss") == "miss"  # within RETRY_SECONDS: not even tried
        fresh_outage.retry_at = 0
        assert backend.get("key", "miss") == "miss"  # tried, still down: not logged again
        fresh_outage.retry_at = 0
        assert backend.get("key", "miss") == "figures"  # back: logged

    assert [(r.levelname, r.getMessage()[:24]) for r in caplog.records] == [
        ("ERROR", "Cache unreachable; pages"),
        ("WARNING", "Cache reachable again af"),
    ]


def test_the_cache_keeps_one_redis_client_and_still_answers_after_an_outage(fresh_outage):
    """Django builds a redis.Redis per call; the portal's cache keeps one per pool, and a
    Redis that went away and came back is read again through the same client."""
    backend = fail_soft.FailSoftRedisCache(
        os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/7"),
        {"OPTIONS": {"socket_read_size": 1 << 20}},
    )
    client = backend._cache.get_client()
    assert backend._cache.get_client() is client
    assert backend._cache.get_client(write=True) is backend._cache.get_client(write=True)

    page = b"<tr>" * 250_000  # a kept page of a megabyte, read in one piece
    backend.set("reused-client-page", page, 30)
    assert backend.get("reused-client-page") == page
    client.connection_pool.disconnect()  # every connection dropped, as when Redis restarts
    assert backend.get("reused-client-page") == page
    backend.delete("reused-client-page")


# --- the client address behind a reverse proxy -----------------------------------------------


def _fail_login(client, user, **meta):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": "forkert"}, **meta
    )


def test_a_spoofed_forwarded_for_does_not_change_the_address_axes_records(client, coordinator):
    _fail_login(client, coordinator, REMOTE_ADDR="198.51.100.10", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.10"]


def test_without_a_trusted_proxy_rotating_forwarded_for_does_not_escape_the_lockout(
    client, coordinator, settings
):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _fail_login(
            client,
            coordinator,
            REMOTE_ADDR="198.51.100.10",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{attempt}",
        )

    locked = client.post(
        reverse("accounts:login"),
        {"username": coordinator.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="198.51.100.10",
        HTTP_X_FORWARDED_FOR="1.2.3.99",
    )
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_behind_one_trusted_proxy_axes_counts_the_address_the_proxy_saw(monkeypatch, coordinator):
    behind_proxy = settings_under(monkeypatch, **PRODUCTION)
    ipware = picked(
        behind_proxy,
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "AXES_IPWARE_PROXY_COUNT",
        "IPWARE_STRICT",
    )
    client = Client()

    with override_settings(**ipware):
        limit = behind_proxy["AXES_FAILURE_LIMIT"]
        for attempt in range(limit):
            # The proxy appends the address it saw; whatever the client sent comes first.
            _fail_login(
                client,
                coordinator,
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"1.2.3.{attempt}, 198.51.100.20",
            )
        locked = client.post(
            reverse("accounts:login"),
            {"username": coordinator.email, "password": TEST_PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.99, 198.51.100.20",
        )
        elsewhere = client.post(
            reverse("accounts:login"),
            {"username": coordinator.email, "password": TEST_PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.30",
        )

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.20"}
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert elsewhere.status_code == HTTPStatus.FOUND  # another address is not locked out

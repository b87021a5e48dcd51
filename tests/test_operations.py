"""Operations: the health pages, the request log, the gunicorn and static-file settings."""

import io
import json
import logging
import logging.config
import os
import re
import runpy
import subprocess
import sys
import uuid
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable

pytestmark = pytest.mark.django_db

BASE_DIR = Path(django_settings.BASE_DIR)


# --- health pages --------------------------------------------------------------------------


@pytest.mark.parametrize("broker", ["", "memory://"])
def test_health_page_answers_ok_without_login_and_without_a_broker(client, settings, broker):
    settings.CELERY_BROKER_URL = broker  # memory://: the task queue's stand-in without a broker

    response = client.get(reverse("health"))

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode() == "database: OK\ncache: OK\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]


def test_health_page_checks_a_configured_broker_and_keeps_its_address_to_itself(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing answers

    response = client.get(reverse("health"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.content.decode() == "database: OK\ncache: OK\nbroker: fejl\n"


def _failing(message):
    def run(self):
        raise ServiceUnavailable(message)

    return run


def test_database_failure_is_503_on_both_pages_without_the_error_text(client, monkeypatch):
    monkeypatch.setattr(Database, "run", _failing("connection to server at 10.1.2.3 refused"))

    full = client.get(reverse("health"))
    instance = client.get(reverse("health_instance"))

    assert full.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert full.content.decode() == "database: fejl\ncache: OK\n"
    assert instance.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert instance.content.decode() == "database: fejl\n"
    assert b"10.1.2.3" not in full.content + instance.content


def test_cache_failure_takes_no_instance_out_of_the_load_balancer(client, monkeypatch):
    async def unreachable(self):
        raise ServiceUnavailable("redis at 10.1.2.3:6379 is down")

    monkeypatch.setattr(Cache, "run", unreachable)

    full = client.get(reverse("health"))
    instance = client.get(reverse("health_instance"))

    assert full.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert full.content.decode() == "database: OK\ncache: fejl\n"
    assert instance.status_code == HTTPStatus.OK
    assert instance.content.decode() == "database: OK\n"


# --- the request log -----------------------------------------------------------------------


@pytest.fixture
def log_lines():
    """The JSON lines the configured console handler would write, parsed."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def _request_lines(lines):
    return [line for line in lines if line["logger"] == "core.requests"]


def test_one_json_line_per_request_with_id_user_id_status_and_no_personal_data(
    client, coordinator, log_lines
):
    client.force_login(coordinator)

    response = client.get(reverse("notifications:tasks"), {"q": "Kim Kbh"})

    assert response.status_code == HTTPStatus.OK
    [line] = _request_lines(log_lines())
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == reverse("notifications:tasks")
    assert line["status"] == HTTPStatus.OK
    assert line["user_id"] == coordinator.pk
    assert line["duration_ms"] > 0
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert line["request_id"] == response["X-Request-ID"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])
    text = json.dumps(line)
    assert coordinator.email not in text
    assert "Kim" not in text


def test_anonymous_request_is_logged_without_a_user(client, log_lines):
    response = client.get(reverse("accessibility"))

    [line] = _request_lines(log_lines())
    assert line["user_id"] is None
    assert line["status"] == response.status_code == HTTPStatus.OK


def test_a_uuid_from_the_proxy_is_kept_and_returned(client, log_lines):
    request_id = str(uuid.uuid4())

    response = client.get(reverse("accessibility"), headers={"X-Request-ID": request_id})

    assert response["X-Request-ID"] == request_id
    [line] = _request_lines(log_lines())
    assert line["request_id"] == request_id


def test_anything_else_in_the_request_id_header_is_replaced(client, log_lines):
    response = client.get(reverse("accessibility"), headers={"X-Request-ID": 'x" injected'})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    [line] = _request_lines(log_lines())
    assert line["request_id"] == response["X-Request-ID"]


def test_an_error_is_logged_with_the_request_id_of_its_request(client, monkeypatch, log_lines):
    def broken(*args, **kwargs):
        raise RuntimeError("the template engine broke")

    monkeypatch.setattr("portal.views.render", broken)
    client.raise_request_exception = False

    response = client.get(reverse("accessibility"), {"navn": "Kim Kbh"})

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    lines = log_lines()
    [error] = [line for line in lines if line["logger"] == "django.request"]
    [request_line] = _request_lines(lines)
    assert error["level"] == "ERROR"
    assert "RuntimeError: the template engine broke" in error["exc_info"]
    assert error["request"] == f"GET {reverse('accessibility')}"
    assert error["request_id"] == request_line["request_id"] == response["X-Request-ID"]
    assert request_line["status"] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Kim" not in json.dumps(lines)


# --- gunicorn and static files -------------------------------------------------------------


def test_gunicorn_config_takes_workers_and_trusted_proxies_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.2,10.0.0.3")

    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    assert config["workers"] == 3
    assert config["forwarded_allow_ips"] == "10.0.0.2,10.0.0.3"
    assert config["accesslog"] is None
    assert config["timeout"] == 30


def test_gunicorn_logs_json_with_its_config(capsys, settings):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    values = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    config = Config()
    for name, value in values.items():
        if name in config.settings:
            config.set(name, value)
    try:
        Logger(config).error("worker %s stopped", 7)
    finally:
        logging.config.dictConfig(settings.LOGGING)  # back to Django's logging

    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert line["logger"] == "gunicorn.error"
    assert line["level"] == "ERROR"
    assert line["message"] == "worker 7 stopped"


def test_gunicorn_config_defaults_to_two_workers_per_core(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)

    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    assert config["workers"] == 8
    assert config["forwarded_allow_ips"] == "127.0.0.1"


def _staticfiles_backend(**environment):
    script = "from portal import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = subprocess.run(  # noqa: S603 - the test's own interpreter and a fixed script
        [sys.executable, "-c", script],
        env={"PATH": os.environ["PATH"], "SECRET_KEY": "x", **environment},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_production_serves_hashed_compressed_static_files_and_development_plain_ones():
    assert _staticfiles_backend(DEBUG="false") == "core.staticfiles.ManifestStaticStorage"
    assert (
        _staticfiles_backend(DEBUG="true")
        == "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


def test_production_static_addresses_are_whitenoises_found_once(tmp_path, settings):
    """core.staticfiles.ManifestStaticStorage: the manifest's hashed address, kept per name;
    DEBUG still gives the plain one."""
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from core.staticfiles import ManifestStaticStorage

    manifest = {"version": "1.1", "paths": {"css/portal.css": "css/portal.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    settings.DEBUG = False
    storage = ManifestStaticStorage(location=tmp_path, base_url="/static/")
    reference = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")

    assert storage.url("css/portal.css") == reference.url("css/portal.css")
    assert storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"
    storage.hashed_files.clear()  # the manifest is not read again for a name already found
    assert storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/missing.css")
    settings.DEBUG = True
    assert storage.url("css/portal.css") == "/static/css/portal.css"

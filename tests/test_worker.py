"""Jobs and mail on a real Celery worker with Redis as broker, as in production.

The worker is a second process, so it must see this test's data: the tests commit
(`transaction=True`) and the worker is pointed at the same test database. An in-memory
SQLite database cannot be shared, so there these tests are skipped; CI runs them on
PostgreSQL. Without Redis they are skipped too, except in CI (`CI=true`), where they fail.
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from post_office.models import STATUS, Email

from core import mail as portal_mail
from exports import services as import_services
from exports.models import ImportFile
from jobs import services
from jobs.models import Job
from reporting.models import ReportEntry
from tests import job_kinds  # noqa: F401 - registers the test kinds here; the worker imports them too
from tests.brokers import celery_broker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/2")
WAIT_SECONDS = 60


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    """Wait until the worker has done something; fail, not hang, if it never does."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"The worker did not {what} within {WAIT_SECONDS} s.")
        time.sleep(0.1)


def _database_url() -> str:
    """The test database as a URL for the worker's settings (portal/settings.py)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A `celery -A portal worker` on its own queue, against this run's test database."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            pytest.skip("the worker cannot open an in-memory SQLite test database")
        url = _database_url()
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {BROKER_URL}; .ci/run starts it.")
        pytest.skip(f"Redis is not running at {BROKER_URL}")

    queue = f"test-{uuid.uuid4().hex}"
    hostname = f"{queue}@localhost"
    media_root = tmp_path_factory.mktemp("worker-media")
    log = tmp_path_factory.mktemp("worker-log") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": BROKER_URL,
        "MEDIA_ROOT": str(media_root),
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "portal", "worker"),
        *("--pool", "solo", "--queues", queue, "--hostname", hostname),
        *("--include", "tests.job_kinds", "--loglevel", "WARNING"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with log.open("wb") as output:
        worker = subprocess.Popen(  # noqa: S603 - a fixed command line
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        with celery_broker(BROKER_URL, task_default_queue=queue) as app:
            deadline = time.monotonic() + WAIT_SECONDS
            while not app.control.ping(destination=[hostname], timeout=0.5):
                if worker.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"The Celery worker did not start:\n{log.read_text()}")
            yield {"media_root": media_root, "log": log}
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture
def on_worker(celery_worker, settings):
    """This test's tasks go to the worker, and its files are where the worker writes them."""
    settings.MEDIA_ROOT = celery_worker["media_root"]
    return celery_worker


def _job(pk: int) -> Job:
    return Job.objects.get(pk=pk)


def test_a_job_runs_on_the_worker_and_its_page_shows_the_result(client, coordinator, on_worker):
    job = services.job_start(kind="tests.count", created_by=coordinator, params={"to": 5})

    _wait_for(lambda: _job(job.pk).is_finished, "finish the job")

    job = _job(job.pk)
    assert job.status == Job.Status.DONE, on_worker["log"].read_text()
    assert (job.progress_done, job.progress_total, job.attempts) == (5, 5, 1)
    client.force_login(coordinator)
    partial = client.get(reverse("jobs:job_progress", kwargs={"pk": job.pk})).content.decode()
    assert "Jobbet er færdigt." in partial
    assert "hx-trigger" not in partial
    download = client.get(reverse("jobs:job_download", kwargs={"pk": job.pk}))
    assert download.status_code == HTTPStatus.OK
    assert b"".join(download.streaming_content) == b"1\n2\n3\n4\n5"
    assert Path(on_worker["media_root"], job.result.name).exists()


def test_the_worker_retries_a_failed_job_with_backoff(coordinator, on_worker):
    job = services.job_start(kind="tests.fail_once", created_by=coordinator)

    _wait_for(lambda: _job(job.pk).is_finished, "finish the job")

    job = _job(job.pk)
    assert (job.status, job.attempts) == (Job.Status.DONE, 2), on_worker["log"].read_text()


def test_mail_queued_by_a_request_is_delivered_by_the_worker(coordinator, on_worker):
    portal_mail.send(
        to=[coordinator.email],
        template="accounts/email/password_reset",
        context={
            "user": coordinator,
            "protocol": "https",
            "domain": "x",
            "uid": "MQ",
            "token": "t",
        },
    )

    _wait_for(lambda: Email.objects.get().status != STATUS.queued, "deliver the mail")

    assert Email.objects.get().status == STATUS.sent, on_worker["log"].read_text()


def _confirmed_import(round_, secretariat, rows: str, digest: str | None = None) -> Job:
    stored = import_services.import_file_store(
        actor=secretariat,
        round_=round_,
        upload=SimpleUploadedFile(
            "svar.csv", f"Kommunekode;Indsatskode;Status (0-4)\r\n{rows}".encode()
        ),
        overwrite_approved=False,
    )
    if digest is None:
        digest = import_services.import_file_preview(stored).digest
    return import_services.import_file_confirm(actor=secretariat, stored=stored, digest=digest)


def test_the_worker_imports_a_confirmed_file(open_round, secretariat, on_worker):
    job = _confirmed_import(open_round, secretariat, "101;1.F1;3\r\n147;1.F1;2\r\n")

    _wait_for(lambda: _job(job.pk).is_finished, "finish the import")

    job = _job(job.pk)
    assert (job.status, job.attempts) == (Job.Status.DONE, 1), on_worker["log"].read_text()
    assert (job.progress_done, job.progress_total) == (3, 3)
    statuses = dict(
        ReportEntry.objects.filter(
            report__round=open_round,
            initiative_code="1.F1",
            report__municipality__code__in=["101", "147"],
        ).values_list("report__municipality__code", "status")
    )
    assert statuses == {"101": 3, "147": 2}
    assert ImportFile.objects.get(job=job).status == ImportFile.Status.IMPORTED


def test_a_refused_import_fails_on_the_worker_without_retries(open_round, secretariat, on_worker):
    job = _confirmed_import(open_round, secretariat, "101;1.F1;3\r\n", digest="gammel")

    _wait_for(lambda: _job(job.pk).is_finished, "finish the import")

    job = _job(job.pk)
    assert (job.status, job.attempts) == (Job.Status.FAILED, 1), on_worker["log"].read_text()
    assert job.message.startswith("Rapporterne er ændret, siden du så forhåndsvisningen.")
    assert (
        ReportEntry.objects.get(
            report__round=open_round, initiative_code="1.F1", report__municipality__code="101"
        ).status
        is None
    )

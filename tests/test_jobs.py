"""Long jobs: started by a service, run on the queue, followed on a page that polls progress.

Without a broker (the test settings) a job runs in-process right after the commit; the
worker tests (test_worker.py) run the same kinds on a real Celery worker.
"""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_results.models import TaskResult

from jobs import services
from jobs.models import Job
from jobs.tasks import requeue_waiting, run_job
from tests import job_kinds  # noqa: F401 - registers the test kinds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _start(user, kind="tests.count", capture=None, **params) -> Job:
    with capture(execute=True):
        job = services.job_start(kind=kind, created_by=user, params=params)
    job.refresh_from_db()
    return job


def test_a_job_runs_after_the_commit_and_offers_its_file(
    client, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.job_start(kind="tests.count", created_by=coordinator, params={"to": 3})
    assert Job.objects.get().status == Job.Status.QUEUED

    callbacks[0]()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert (job.progress_done, job.progress_total, job.attempts) == (3, 3, 1)
    assert job.started_at <= job.finished_at
    assert job.result_name == "tal.txt"
    client.force_login(coordinator)
    response = client.get(reverse("jobs:job_download", kwargs={"pk": job.pk}))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="tal.txt"'
    assert b"".join(response.streaming_content) == b"1\n2\n3"


def test_the_progress_partial_polls_while_the_job_runs(client, coordinator):
    job = Job.objects.create(
        kind="tests.count",
        created_by=coordinator,
        status=Job.Status.RUNNING,
        progress_done=2,
        progress_total=8,
        message="Tæller 2",
    )
    client.force_login(coordinator)

    response = client.get(reverse("jobs:job_progress", kwargs={"pk": job.pk}))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert f'data-hx-get="/jobs/{job.pk}/fremdrift/" data-hx-trigger="every 1s"' in content
    assert 'max="100" value="25"' in content
    assert "Jobbet kører. Tæller 2" in content
    assert "2 af 8 trin (25 %)" in content
    assert "<script" not in content


def test_a_finished_job_stops_the_polling_and_links_to_its_file(
    client, coordinator, django_capture_on_commit_callbacks
):
    job = _start(coordinator, capture=django_capture_on_commit_callbacks, to=2)
    client.force_login(coordinator)

    content = client.get(reverse("jobs:job_progress", kwargs={"pk": job.pk})).content.decode()

    assert "hx-trigger" not in content
    assert "Jobbet er færdigt." in content
    assert 'value="100"' in content
    assert f'href="/jobs/{job.pk}/resultat/">Hent tal.txt</a>' in content


def test_the_job_page_shows_the_kind_and_the_progress(
    client, coordinator, django_capture_on_commit_callbacks
):
    job = Job.objects.create(kind="tests.count", created_by=coordinator)
    client.force_login(coordinator)

    response = client.get(job.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert '<h1 class="h2">Optælling</h1>' in content
    assert "Jobbet venter på at blive startet." in content
    assert '<progress class="job-progress-bar" aria-labelledby' in content  # indeterminate


def test_a_job_that_fails_once_is_tried_again_and_finishes(
    coordinator, django_capture_on_commit_callbacks
):
    job = _start(coordinator, kind="tests.fail_once", capture=django_capture_on_commit_callbacks)

    assert job.status == Job.Status.DONE
    assert job.attempts == 2


def test_a_job_that_keeps_failing_is_failed_and_visible_to_administrators(
    client, coordinator, superuser, django_capture_on_commit_callbacks
):
    job = _start(coordinator, kind="tests.always_fail", capture=django_capture_on_commit_callbacks)

    assert job.status == Job.Status.FAILED
    assert job.attempts == 1 + run_job.max_retries
    assert job.finished_at is not None
    failure = TaskResult.objects.get(task_name="jobs.tasks.run_job", status="FAILURE")
    assert "ValueError: uventet data" in failure.traceback
    client.force_login(coordinator)
    content = client.get(job.get_absolute_url()).content.decode()
    assert "Jobbet kunne ikke gøres færdigt." in content
    assert "uventet data" not in content
    client.force_login(superuser)
    admin = client.get(reverse("admin:django_celery_results_taskresult_changelist"))
    assert admin.status_code == HTTPStatus.OK
    assert "jobs.tasks.run_job" in admin.content.decode()


def test_a_refused_job_fails_at_once_with_its_message_and_no_traceback(
    client, coordinator, django_capture_on_commit_callbacks
):
    job = _start(coordinator, kind="tests.refuse", capture=django_capture_on_commit_callbacks)

    assert (job.status, job.attempts) == (Job.Status.FAILED, 1)
    assert job.message == "Runden er lukket, så intet er ændret."
    assert job.finished_at is not None
    assert not TaskResult.objects.exists()  # a rule said no: nothing for administrators
    client.force_login(coordinator)
    content = client.get(reverse("jobs:job_progress", kwargs={"pk": job.pk})).content.decode()
    assert "Jobbet blev stoppet: Runden er lukket, så intet er ændret." in content
    assert "hx-trigger" not in content


def test_a_failed_job_keeps_no_message_of_a_step(coordinator):
    job = Job.objects.create(
        kind="tests.count", created_by=coordinator, status="running", message="Tæller 2"
    )

    services.job_fail(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.message) == (Job.Status.FAILED, "")


def test_a_job_already_taken_by_another_worker_is_left_alone(coordinator):
    job = Job.objects.create(kind="tests.count", created_by=coordinator, params={"to": 1})
    assert services.job_claim(job_id=job.pk) is not None

    run_job.delay(job.pk)  # a second message for the same job

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


def test_progress_outside_zero_to_total_is_refused(coordinator):
    job = Job.objects.create(kind="tests.count", created_by=coordinator, status="running")

    with pytest.raises(ValueError, match="not 4 of 3"):
        services.job_progress(job=job, done=4, total=3)


def test_an_unknown_kind_is_refused_before_anything_is_queued(coordinator):
    with pytest.raises(LookupError, match=r"'reporting\.nothing'"):
        services.job_start(kind="reporting.nothing", created_by=coordinator)

    assert not Job.objects.exists()


def test_a_broker_that_cannot_be_reached_leaves_the_job_queued_for_later(
    coordinator, django_capture_on_commit_callbacks, broker_down
):
    job = _start(coordinator, capture=django_capture_on_commit_callbacks, to=1)

    assert job.status == Job.Status.QUEUED


def test_jobs_waiting_too_long_are_handed_out_again(coordinator):
    waiting = Job.objects.create(kind="tests.count", created_by=coordinator, params={"to": 1})
    recent = Job.objects.create(kind="tests.count", created_by=coordinator, params={"to": 1})
    Job.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )

    assert requeue_waiting() == 1

    assert Job.objects.get(pk=waiting.pk).status == Job.Status.DONE
    assert Job.objects.get(pk=recent.pk).status == Job.Status.QUEUED


@pytest.mark.parametrize("url_name", ["jobs:job_detail", "jobs:job_progress", "jobs:job_download"])
def test_another_persons_job_answers_404(client, coordinator, other_coordinator, url_name):
    job = Job.objects.create(
        kind="tests.count",
        created_by=coordinator,
        status=Job.Status.DONE,
        finished_at=timezone.now(),
        result="jobs/1/tal.txt",
    )
    client.force_login(other_coordinator)

    assert client.get(reverse(url_name, kwargs={"pk": job.pk})).status_code == HTTPStatus.NOT_FOUND


def test_an_unfinished_job_has_no_file_to_download(client, coordinator):
    job = Job.objects.create(kind="tests.count", created_by=coordinator)
    client.force_login(coordinator)

    response = client.get(reverse("jobs:job_download", kwargs={"pk": job.pk}))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_progress_partial_polled_every_second_costs_three_queries(
    client, coordinator, django_assert_num_queries
):
    job = Job.objects.create(kind="tests.count", created_by=coordinator)
    client.force_login(coordinator)

    # The session, its user (the user's memberships, which say whether a second factor is
    # required, are in memory since the sign-in; a role granted during the session bumps
    # their version and counts at once, decision 14), and the job.
    with django_assert_num_queries(3):
        response = client.get(reverse("jobs:job_progress", kwargs={"pk": job.pk}))
    assert response.status_code == HTTPStatus.OK

"""The worker's side of a job: run it, retry it with backoff, give up visibly."""

from __future__ import annotations

import datetime
from typing import Any

from celery import Task, shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.tasks import RETRY_POLICY, enqueue
from jobs import services
from jobs.models import Job
from jobs.registry import get_kind

# A job queued longer than this was most likely never handed to a worker (the broker was
# down when it started); `requeue_waiting` hands it out again.
WAITING_TOO_LONG = datetime.timedelta(minutes=10)


class JobTask(Task):
    """Runs one job. Any error is tried again with backoff; the last one fails the job.

    The failure itself (exception and traceback) is in the admin under "Task results". A
    refusal (the kind raises ValidationError or PermissionDenied: a rule said no, which
    another try would only repeat) is no error: `run_job` fails the job at once with it.
    """

    autoretry_for = (Exception,)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 3

    def on_retry(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        services.job_requeue(job_id=args[0])

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        services.job_fail(job_id=args[0])


@shared_task(base=JobTask)
def run_job(job_id: int) -> None:
    """Run a queued job; a job that is already running or finished is left alone."""
    job = services.job_claim(job_id=job_id)
    if job is None:
        return
    try:
        result = get_kind(job.kind).run(job)
    except (ValidationError, PermissionDenied) as refusal:
        services.job_refuse(job_id=job.pk, refusal=refusal)
        return
    services.job_finish(job=job, result=result)


@shared_task(**RETRY_POLICY)
def requeue_waiting() -> int:
    """Hand out again the jobs that have waited too long in the queue; returns how many."""
    waiting = Job.objects.filter(
        status=Job.Status.QUEUED, created_at__lt=timezone.now() - WAITING_TOO_LONG
    ).values_list("pk", flat=True)
    return sum(enqueue(run_job, pk) for pk in waiting)

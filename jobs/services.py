"""Starting a job, reporting its progress, and the steps of its life that the worker takes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.tasks import enqueue
from jobs import tasks
from jobs.models import Job
from jobs.registry import JobFile, get_kind

MESSAGE_LENGTH = Job._meta.get_field("message").max_length


def job_start(*, kind: str, created_by: User, params: dict[str, Any] | None = None) -> Job:
    """Queue a job of a registered kind; a worker runs it once the transaction commits.

    Without a broker it runs in this process right after the commit. If the broker cannot be
    reached the job stays queued and `requeue_waiting` hands it out when it is back.
    """
    get_kind(kind)
    job = Job.objects.create(kind=kind, params=params or {}, created_by=created_by)
    transaction.on_commit(lambda: enqueue(tasks.run_job, job.pk))
    return job


def job_progress(*, job: Job, done: int, total: int, message: str = "") -> None:
    """Record how far a running job has come: `done` of `total` steps, and what it is doing.

    Written at once, so call it outside `transaction.atomic()`: the page that shows the
    progress reads it through another database connection.
    """
    if not 0 <= done <= total:
        raise ValueError(f"Progress must be 0 <= done <= total, not {done} of {total}.")
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        progress_done=done, progress_total=total, message=message[:MESSAGE_LENGTH]
    )


def job_claim(*, job_id: int) -> Job | None:
    """Mark a queued job as running and return it; None if it is not queued.

    One UPDATE, so of two workers handed the same job only one gets it.
    """
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        progress_done=0,
        progress_total=0,
        message="",
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_finish(*, job: Job, result: JobFile | None) -> None:
    """Store a job's file and mark it done."""
    if result is not None:
        job.result.save(result.name, ContentFile(result.content), save=False)
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.DONE,
        finished_at=timezone.now(),
        result=job.result.name or "",
        progress_done=F("progress_total"),
    )


def job_requeue(*, job_id: int) -> None:
    """Put a running job back in the queue before it is tried again."""
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        status=Job.Status.QUEUED, started_at=None
    )


def job_fail(*, job_id: int, message: str = "") -> None:
    """Mark a job that will not be tried again as failed.

    `message` is what its page shows: the kind's own Danish refusal (`job_refuse`), or nothing
    for an error, whose page says in general terms that the job failed (the exception is for
    administrators, in "Task results"). A running step's message is never left behind.
    """
    Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        status=Job.Status.FAILED, finished_at=timezone.now(), message=message[:MESSAGE_LENGTH]
    )


def job_refuse(*, job_id: int, refusal: ValidationError | PermissionDenied) -> None:
    """Fail a job whose kind refused the work (a rule said no): at once, not tried again,
    with the refusal's message on its page."""
    if isinstance(refusal, ValidationError):
        message = " ".join(refusal.messages)
    else:
        message = str(refusal) or _("Du har ikke længere lov til at gøre dette.")
    job_fail(job_id=job_id, message=message)

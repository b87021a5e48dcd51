"""Kinds of job that exist only in the tests: the pattern a real kind follows.

Imported by the tests that start them, and by the Celery worker the worker tests start
(`--include tests.job_kinds`), so both sides know them.
"""

from django.core.exceptions import ValidationError

from jobs.models import Job
from jobs.registry import JobFile, job_kind
from jobs.services import job_progress


@job_kind("tests.count", label="Optælling")
def count(job: Job) -> JobFile:
    """Count to params["to"], one step at a time, and hand back the numbers as a file."""
    total = job.params["to"]
    for number in range(1, total + 1):
        job_progress(job=job, done=number, total=total, message=f"Tæller {number}")
    return JobFile(name="tal.txt", content="\n".join(map(str, range(1, total + 1))).encode())


@job_kind("tests.fail_once", label="Fejler første gang")
def fail_once(job: Job) -> None:
    """Fail on the first attempt, as a dropped connection would; succeed on the next."""
    if job.attempts == 1:
        raise ConnectionError("forbindelsen blev afbrudt")


@job_kind("tests.always_fail", label="Fejler altid")
def always_fail(job: Job) -> None:
    raise ValueError("uventet data")


@job_kind("tests.refuse", label="Afviser")
def refuse(job: Job) -> None:
    """A rule says no, as a service does: another try would only repeat it."""
    raise ValidationError("Runden er lukket, så intet er ændret.")

"""The kinds of job the portal knows, each a function that does the work.

An app declares a kind in its `tasks.py` (imported by every web process and worker):

    from jobs.registry import JobFile, job_kind
    from jobs.services import job_progress

    @job_kind("reporting.meeting_report", label=gettext_lazy("Mødereferat som PDF"))
    def meeting_report(job: Job) -> JobFile:
        rounds = ...  # read what job.params names
        for done, round_ in enumerate(rounds, start=1):
            ...
            job_progress(job=job, done=done, total=len(rounds), message=round_.title)
        return JobFile(name="moedereferat.pdf", content=pdf_bytes)

The function may run more than once (a retry after a failure), so it starts from scratch
each time and writes nothing it would not write again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from jobs.models import Job


@dataclass(frozen=True)
class JobFile:
    """The file a job hands back, offered for download when the job is done."""

    name: str
    content: bytes


JobFunction = Callable[["Job"], JobFile | None]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    run: JobFunction


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label: str | Promise) -> Callable[[JobFunction], JobFunction]:
    """Register a function as the kind of job called `name`, shown as `label`."""

    def register(run: JobFunction) -> JobFunction:
        _KINDS[name] = JobKind(name=name, label=label, run=run)
        return run

    return register


def get_kind(name: str) -> JobKind:
    """The registered kind; LookupError if no app declares it."""
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No job kind is registered as {name!r}.") from None


def label_for(name: str) -> str:
    """What to call a kind on a page: its label, or its name if it is no longer declared."""
    kind = _KINDS.get(name)
    return str(kind.label) if kind else name

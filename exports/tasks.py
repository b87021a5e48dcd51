"""The bulk import's confirmation as a kind of background job (jobs app, decision 12)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy

from exports.models import ImportFile
from exports.services import IMPORT_JOB, import_file_apply
from jobs.models import Job
from jobs.registry import job_kind
from jobs.services import job_progress


@job_kind(IMPORT_JOB, label=gettext_lazy("Import af svar"))
def import_answers(job: Job) -> None:
    """Write the confirmed file's rows. A refusal (a report changed since the preview, the
    round no longer open or closed) raises ValidationError, which fails the job at once with
    its message; a retry after any other error is safe (import_file_apply)."""
    stored = ImportFile.objects.select_related("round__framework__kkr").get(
        pk=job.params["import_file"]
    )
    # The message a refusal leaves on the page is Danish, as the round's pages are.
    with translation.override("da"):
        import_file_apply(
            actor=job.created_by,
            stored=stored,
            digest=job.params["digest"],
            progress=lambda done, total, message: job_progress(
                job=job, done=done, total=total, message=message
            ),
        )

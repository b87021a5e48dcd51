"""Writes for the bulk import: store an uploaded file, confirm its import, or discard it.

Confirming queues a background job (exports.tasks) that runs `import_file_apply`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from exports.importing import MAX_BYTES, Preview, Table, plan_import, read_table
from exports.models import ImportFile
from exports.permissions import can_import
from jobs.models import Job
from jobs.services import job_start
from reporting.models import ReportingRound
from reporting.services.imports import ImportedEntry, report_import_entries

IMPORT_JOB = "exports.import"

# How far a job has come: steps done, steps in all, what it is doing (material.pdf's too).
Progress = Callable[[int, int, str], None]


def _read(upload: UploadedFile) -> bytes:
    # The size is checked before the file is read, so a huge upload is never held in memory.
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("Filen er større end %(max)s MB.") % {"max": MAX_BYTES // (1024 * 1024)}
        )
    return upload.read(MAX_BYTES + 1)


# The parsed rows of a stored file, by its SHA-256: reading a 5,880-row workbook costs seconds,
# and the preview and the confirmation read the same bytes again.
TABLE_CACHE_SECONDS = 3600


def _table(name: str, data: bytes, sha256: str) -> Table:
    key = f"exports:import-table:{sha256}:{name.rsplit('.', 1)[-1].lower()}"
    table = cache.get(key)
    if table is None:
        table = read_table(name, data)
        cache.set(key, table, TABLE_CACHE_SECONDS)
    return table


def import_file_store(
    *, actor: User, round_: ReportingRound, upload: UploadedFile, overwrite_approved: bool
) -> ImportFile:
    """Keep a readable file for its dry run; a file that cannot be read as a whole is refused
    with its problems and not kept."""
    if not can_import(actor, round_):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan importere svar i runden."))
    data = _read(upload)
    name = upload.name or ""
    sha256 = hashlib.sha256(data).hexdigest()
    _table(name, data, sha256)
    stored = ImportFile(round=round_, sha256=sha256, overwrite_approved=overwrite_approved)
    stored.keep(ContentFile(data), name=name, uploaded_by=actor)
    return stored


def _stored_table(stored: ImportFile) -> Table:
    """The stored file's rows, if the file on disk is still the one that was uploaded."""
    with stored.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise ValidationError(_("Den gemte fil er ændret siden indlæsningen. Indlæs filen igen."))
    return _table(stored.original_name, data, stored.sha256)


def import_file_preview(stored: ImportFile) -> Preview:
    """The dry run of a stored file against the round as it is now."""
    return plan_import(
        round_=stored.round,
        table=_stored_table(stored),
        overwrite_approved=stored.overwrite_approved,
    )


@transaction.atomic
def import_file_confirm(*, actor: User, stored: ImportFile, digest: str) -> Job:
    """Queue the import of the previewed rows, whose digest the preview showed; the job
    (exports.tasks) writes them with `import_file_apply`. Refused while the file is imported
    or being imported."""
    locked = (
        ImportFile.objects.select_for_update(of=("self",))
        .select_related("round__framework__kkr", "job")
        .get(pk=stored.pk)
    )
    if not can_import(actor, locked.round):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan importere svar i runden."))
    if locked.status != ImportFile.Status.PREVIEWED:
        raise ValidationError(_("Filen er allerede importeret."))
    if locked.is_importing:
        raise ValidationError(
            _("Filen er allerede ved at blive importeret. Siden viser, hvor langt importen er.")
        )
    job = job_start(
        kind=IMPORT_JOB,
        created_by=actor,
        params={"import_file": locked.pk, "digest": digest[: len(locked.sha256)]},
    )
    locked.job = job
    locked.save(update_fields=["job", "updated_at"])
    return job


IMPORT_STEPS = 3


def import_file_apply(
    *, actor: User, stored: ImportFile, digest: str, progress: Progress | None = None
) -> int:
    """The import job's work: import the stored file's rows, all or nothing, if they are
    still exactly what the preview (whose digest is given) showed. Returns the number of
    entries written.

    Safe to run again: a file already imported is not imported twice (its state decides),
    and a run after a failure writes only if the plan is still the previewed one (its digest
    decides). The file is read and planned without locks, with progress between the steps;
    the write is one transaction (`_import_file_write`) that re-checks the file's state and,
    in reporting's service, the permission, the round and every previewed old value.
    """
    step = progress or (lambda done, total, message: None)
    if stored.status == ImportFile.Status.IMPORTED:
        return stored.imported_count
    step(0, IMPORT_STEPS, _("Læser filen."))
    table = _stored_table(stored)
    step(1, IMPORT_STEPS, _("Sammenligner rækkerne med rapporterne."))
    preview = plan_import(
        round_=stored.round, table=table, overwrite_approved=stored.overwrite_approved
    )
    if preview.errors:
        # The preview that was confirmed had none: the reports have changed since.
        first = preview.errors[0]
        raise ValidationError(
            _(
                "Filen kan ikke importeres, som rapporterne er nu. Række %(row)s: %(error)s "
                "Se den opdaterede forhåndsvisning."
            )
            % {"row": first.number, "error": first.errors[0][1]}
        )
    if preview.digest != digest:
        raise ValidationError(
            _(
                "Rapporterne er ændret, siden du så forhåndsvisningen. "
                "Se den opdaterede forhåndsvisning, før du bekræfter."
            ),
            code="stale",
        )
    entries = preview.entries()
    step(
        2,
        IMPORT_STEPS,
        ngettext(
            "Skriver %(count)s svar i rapporterne.",
            "Skriver %(count)s svar i rapporterne.",
            len(entries),
        )
        % {"count": len(entries)},
    )
    return _import_file_write(actor=actor, stored=stored, entries=entries)


@transaction.atomic
def _import_file_write(*, actor: User, stored: ImportFile, entries: list[ImportedEntry]) -> int:
    locked = ImportFile.objects.select_for_update().get(pk=stored.pk)
    if locked.status == ImportFile.Status.IMPORTED:
        return locked.imported_count
    count = report_import_entries(
        actor=actor,
        round_=stored.round,
        entries=entries,
        file_name=locked.original_name,
        overwrite_approved=locked.overwrite_approved,
    )
    locked.status = ImportFile.Status.IMPORTED
    locked.imported_at = timezone.now()
    locked.imported_count = count
    locked.save(update_fields=["status", "imported_at", "imported_count", "updated_at"])
    return count


@transaction.atomic
def import_file_discard(*, actor: User, stored: ImportFile) -> str:
    """Throw away a file that was not imported, and its stored copy; returns its name."""
    locked = (
        ImportFile.objects.select_for_update(of=("self",))
        .select_related("round", "job")
        .get(pk=stored.pk)
    )
    if not can_import(actor, locked.round):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan importere svar i runden."))
    if locked.status != ImportFile.Status.PREVIEWED:
        raise ValidationError(_("En importeret fil gemmes som dokumentation og kan ikke kasseres."))
    if locked.is_importing:
        raise ValidationError(
            _("Filen er ved at blive importeret og kan ikke kasseres, før importen er færdig.")
        )
    name = locked.file.name
    storage = locked.file.storage
    locked.delete()
    transaction.on_commit(lambda: storage.delete(name))
    return locked.original_name

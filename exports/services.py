"""Writes for the bulk import: store an uploaded file, confirm its import, or discard it."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from exports.importing import MAX_BYTES, Preview, Table, plan_import, read_table
from exports.models import ImportFile
from exports.permissions import can_import
from reporting.models import ReportingRound
from reporting.services.imports import report_import_entries


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
    stored = ImportFile(
        round=round_,
        uploaded_by=actor,
        original_name=name[:255],
        size=len(data),
        sha256=sha256,
        overwrite_approved=overwrite_approved,
    )
    stored.file.save(name, ContentFile(data), save=False)
    stored.save()
    return stored


def import_file_preview(stored: ImportFile) -> Preview:
    """The dry run of a stored file against the round as it is now."""
    with stored.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise ValidationError(_("Den gemte fil er ændret siden indlæsningen. Indlæs filen igen."))
    table = _table(stored.original_name, data, stored.sha256)
    return plan_import(
        round_=stored.round, table=table, overwrite_approved=stored.overwrite_approved
    )


@transaction.atomic
def import_file_confirm(*, actor: User, stored: ImportFile, digest: str) -> int:
    """Import the previewed rows, all or nothing, if they are still exactly what the preview
    (whose digest is given) showed. Returns the number of entries written."""
    locked = (
        ImportFile.objects.select_for_update()
        .select_related("round__framework__kkr")
        .get(pk=stored.pk)
    )
    if not can_import(actor, locked.round):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan importere svar i runden."))
    if locked.status != ImportFile.Status.PREVIEWED:
        raise ValidationError(_("Filen er allerede importeret."))
    preview = import_file_preview(locked)
    if preview.errors:
        raise ValidationError(_("Filen har fejl. Ret dem, og indlæs filen igen."))
    if preview.digest != digest:
        raise ValidationError(
            _(
                "Rapporterne er ændret, siden du så forhåndsvisningen. "
                "Se den opdaterede forhåndsvisning, før du bekræfter."
            ),
            code="stale",
        )
    count = report_import_entries(
        actor=actor,
        round_=locked.round,
        entries=preview.entries(),
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
    locked = ImportFile.objects.select_for_update().select_related("round").get(pk=stored.pk)
    if not can_import(actor, locked.round):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan importere svar i runden."))
    if locked.status != ImportFile.Status.PREVIEWED:
        raise ValidationError(_("En importeret fil gemmes som dokumentation og kan ikke kasseres."))
    name = locked.file.name
    storage = locked.file.storage
    locked.delete()
    transaction.on_commit(lambda: storage.delete(name))
    return locked.original_name

"""Files attached to a report's mandatory entries."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from reporting.models import Attachment, ReportEntry
from reporting.services.reports import report_lock_editable


@transaction.atomic
def attachment_add(*, actor: User, entry: ReportEntry, upload: UploadedFile) -> Attachment:
    """Attach a (validated) file to a mandatory entry of a report the actor may edit."""
    report_lock_editable(actor, entry.report_id)
    if not entry.is_mandatory:
        raise ValidationError(_("Der kan kun vedhæftes filer til forpligtende indsatser."))
    attachment = Attachment(entry=entry)
    attachment.keep(upload, name=upload.name or "", uploaded_by=actor)
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User, attachment: Attachment) -> None:
    """Remove an attachment from a report the actor may edit; the file goes after commit."""
    report_lock_editable(actor, attachment.entry.report_id)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))

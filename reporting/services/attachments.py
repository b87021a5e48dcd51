"""Files attached to a report's mandatory entries."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.validators import CPR_MESSAGE, contains_cpr_number
from reporting.models import Attachment, ReportEntry
from reporting.services.reports import report_lock_editable


@transaction.atomic
def attachment_add(*, actor: User, entry: ReportEntry, upload: UploadedFile) -> Attachment:
    """Attach a (validated) file to a mandatory entry of a report the actor may edit."""
    report_lock_editable(actor, entry.report_id)
    if not entry.is_mandatory:
        raise ValidationError(_("Der kan kun vedhæftes filer til forpligtende indsatser."))
    # A file from a form always has a name and a size (Django's stubs allow neither).
    name, size = upload.name or "", upload.size or 0
    if contains_cpr_number(name):
        raise ValidationError(CPR_MESSAGE, code="cpr")
    attachment = Attachment(entry=entry, original_name=name[:255], size=size, uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User, attachment: Attachment) -> None:
    """Remove an attachment from a report the actor may edit; the file goes after commit."""
    report_lock_editable(actor, attachment.entry.report_id)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))

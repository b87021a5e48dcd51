"""Abstract bases shared by every app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import FileExtensionValidator
from django.db import models
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from core.uploads import ATTACHMENT_EXTENSIONS, attachment_response, random_file_name
from core.validators import CPR_MESSAGE, contains_cpr_number

if TYPE_CHECKING:  # the user model is named only for the type checker: core imports no app
    from accounts.models import User


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("opdateret"), auto_now=True)

    class Meta:
        abstract = True


def stored_file_path(instance: StoredFile, filename: str) -> str:
    return random_file_name(instance.storage_folder(), filename)


class StoredFile(TimeStampedModel):
    """A file someone attached, under the rules of `core.uploads`: stored under a random name in
    its owner's folder, with the name, size and uploader it came with, and served only through
    `download()` from a view that found the row in a scoped queryset."""

    file = models.FileField(
        _("fil"),
        upload_to=stored_file_path,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    original_name = models.CharField(_("filnavn"), max_length=255)
    size = models.PositiveIntegerField(_("størrelse (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vedhæftet af"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def storage_folder(self) -> str:
        """The folder under MEDIA_ROOT that holds this owner's files."""
        raise NotImplementedError

    def keep(self, content: File, *, name: str, uploaded_by: User | None) -> None:
        """Store `content` and save the row. A file name holding a CPR number is refused."""
        if contains_cpr_number(name):
            raise ValidationError(CPR_MESSAGE, code="cpr")
        self.original_name = name[:255]
        self.size = content.size or 0
        self.uploaded_by = uploaded_by
        self.file.save(name, content, save=False)
        self.save()

    def download(self) -> FileResponse:
        return attachment_response(self.file, self.original_name)

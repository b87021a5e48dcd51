"""The one set of upload rules: which files may be attached, how large, and how they are served.

Report entries, meetings and mappings attach files under the same rules: the types below,
at most 10 MB, contents that match the type (`AttachmentForm`), and downloads only through a
view that found the object in a scoped queryset (`attachment_response`), never from MEDIA_URL.
Their rows are `core.models.StoredFile`s: a random stored name, the original name (refused when
it holds a CPR number), its size and who uploaded it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ATTACHMENT_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "png", "jpg", "jpeg", "txt"]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# An upload request whose Content-Length passes this holds a file over the limit: the form
# around the file is a few hundred bytes. Such a request is refused before its body is read.
ATTACHMENT_MAX_REQUEST_BYTES = ATTACHMENT_MAX_BYTES + 64 * 1024

# What a file of each type starts with. Office Open XML and OpenDocument files are zip files;
# text files have no signature. Enough to refuse a renamed executable, not a virus scan.
ATTACHMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}

ATTACHMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain; charset=utf-8",
}


def random_file_name(folder: str, filename: str) -> str:
    """A stored name of its own in `folder`, never the uploader's: the original name is kept in
    the row and given back on download. The extension is the upload's, lower-cased."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def store_upload(field: FieldFile, upload: UploadedFile, *, fallback: str) -> str:
    """Store an upload in a row's file field (its upload_to names the stored file), the row
    saved by the caller; returns the name it came with, cut to a 255-character name column."""
    name = upload.name or fallback
    field.save(name, upload, save=False)
    return name[:255]


def attachment_extension(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".")


def attachment_too_large_message() -> str:
    return _("Filen er for stor. En fil må højst fylde %(megabytes)s MB.") % {
        "megabytes": ATTACHMENT_MAX_BYTES // (1024 * 1024)
    }


def declared_length(request: HttpRequest) -> int:
    """The request body's size as its Content-Length states it (0 when missing or garbled)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def validate_attachment(upload: UploadedFile, extensions: list[str] = ATTACHMENT_EXTENSIONS):
    """The upload rules for one file: a type among `extensions` (a subset of
    ATTACHMENT_EXTENSIONS), at most 10 MB, contents that match the type."""
    extension = attachment_extension(upload.name or "")
    if extension not in extensions:
        raise forms.ValidationError(
            _("Filtypen kan ikke vedhæftes. Tilladte filtyper: %(types)s.")
            % {"types": ", ".join(extensions)},
            code="extension",
        )
    if upload.size is not None and upload.size > ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(attachment_too_large_message(), code="size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    signatures = ATTACHMENT_SIGNATURES.get(extension)
    looks_right = any(head.startswith(s) for s in signatures) if signatures else b"\x00" not in head
    if not looks_right:
        raise forms.ValidationError(
            _("Filens indhold passer ikke til filtypen .%(extension)s.") % {"extension": extension},
            code="content",
        )
    return upload


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Vedhæft fil"),
        error_messages={"required": gettext_lazy("Vælg en fil at vedhæfte.")},
    )

    def clean_file(self):
        return validate_attachment(self.cleaned_data["file"])


def attachment_response(field: FieldFile, name: str) -> FileResponse:
    """The stored file as a download named `name`; the caller found its object in a scoped
    queryset first. A file missing from storage answers 404."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=ATTACHMENT_CONTENT_TYPES.get(
            attachment_extension(name), "application/octet-stream"
        ),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

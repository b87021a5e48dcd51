"""Uploaded import files, kept between the dry run and the confirmation.

The confirmation imports the stored file, checked against its SHA-256, and only if the rows
it would write are exactly those the secretariat saw in the preview (exports.services). It
runs as a background job (exports.tasks); the file points at its newest one, whose progress
and outcome its page shows.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.models import StoredFile, stored_file_path
from jobs.models import Job
from reporting.models import ReportingRound


class ImportFileQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> ImportFileQuerySet:
        """Files loaded into the rounds the user manages: the KKR's secretariat's."""
        return self.filter(round__in=ReportingRound.objects.managed_by(user))


class ImportFile(StoredFile):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Afventer bekræftelse")
        IMPORTED = "imported", _("Importeret")

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="import_files",
        verbose_name=_("runde"),
    )
    # A CSV or XLSX file, read by `exports.services` rather than by the attachment rules.
    file = models.FileField(_("fil"), upload_to=stored_file_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    overwrite_approved = models.BooleanField(_("overskriv godkendte rapporter"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    imported_at = models.DateTimeField(_("importeret"), null=True, blank=True)
    imported_count = models.PositiveIntegerField(_("importerede linjer"), default=0)
    # The newest confirmation; a refused one (say, a report changed since the preview) is
    # replaced by the next. At most one is unfinished (exports.services.import_file_confirm).
    job = models.ForeignKey(
        Job,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("importjob"),
    )

    objects = ImportFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("importfil")
        verbose_name_plural = _("importfiler")
        ordering = ["-created_at"]

    def get_absolute_url(self) -> str:
        return reverse("exports:import_preview", kwargs={"pk": self.pk})

    @property
    def is_importing(self) -> bool:
        """A confirmation is queued or running: the file is not to be confirmed again, nor
        discarded, until it has finished."""
        return self.job is not None and not self.job.is_finished

    def storage_folder(self) -> str:
        return f"importer/{self.round_id}"

"""A long piece of work run on the task queue, and how far it has come.

A job is started by a service of the app that owns the work (`jobs.services.job_start`), run
by a worker (`jobs.tasks.run_job`) and followed by the person who started it on its page,
which polls the progress every second. See decision 12 for how to add a kind of job.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import is_administrator
from core.models import TimeStampedModel
from jobs.registry import label_for


class JobQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> JobQuerySet:
        """A job and its result belong to the person who started it (and administrators)."""
        if not user.is_authenticated:
            return self.none()
        if is_administrator(user):
            return self
        return self.filter(created_by=user)


def job_result_path(instance: Job, filename: str) -> str:
    return f"jobs/{instance.pk}/{filename}"


class Job(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("I gang")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    FINISHED_STATUSES = (Status.DONE, Status.FAILED)

    kind = models.CharField(_("slags"), max_length=100)
    params = models.JSONField(_("parametre"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    progress_done = models.PositiveIntegerField(_("trin færdige"), default=0)
    progress_total = models.PositiveIntegerField(_("trin i alt"), default=0)
    message = models.CharField(_("besked"), max_length=300, blank=True)
    result = models.FileField(_("resultat"), upload_to=job_result_path, blank=True)
    # A job's result is the personal output of whoever asked for it.
    created_by = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("startet af")
    )
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("baggrundsjob")
        verbose_name_plural = _("baggrundsjob")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="job_status_known",
            ),
            models.CheckConstraint(
                condition=Q(progress_total=0) | Q(progress_done__lte=F("progress_total")),
                name="job_progress_within_total",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=["done", "failed"], finished_at__isnull=False)
                    | Q(status__in=["queued", "running"], finished_at__isnull=True)
                ),
                name="job_finished_at_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", kwargs={"pk": self.pk})

    @property
    def label(self) -> str:
        return label_for(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return round(100 * self.progress_done / self.progress_total)

    @property
    def result_name(self) -> str:
        return PurePosixPath(self.result.name).name if self.result else ""

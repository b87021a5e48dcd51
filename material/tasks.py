"""The meeting report as a kind of background job (jobs app, decision 12)."""

from __future__ import annotations

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from jobs.models import Job
from jobs.registry import JobFile, job_kind
from jobs.services import job_progress
from material.models import MeetingMaterial
from material.pdf import render_meeting_report
from material.selectors import meeting_report
from material.services import MEETING_REPORT


@job_kind(MEETING_REPORT, label=gettext_lazy("Mødemateriale til KKR (PDF)"))
def build_meeting_report(job: Job) -> JobFile:
    material = MeetingMaterial.objects.select_related("round").get(job=job)
    # The KKR's material is in Danish, whatever language the person who asked for it reads.
    with translation.override("da"):
        report = meeting_report(round_=material.round, meeting_date=material.meeting_date)
        pdf = render_meeting_report(
            report,
            progress=lambda done, total, message: job_progress(
                job=job, done=done, total=total, message=message
            ),
        )
    return JobFile(name=f"moedemateriale-{slugify(material.round.slug)}.pdf", content=pdf)

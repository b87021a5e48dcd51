"""A job's page, the progress partial it polls, and the finished job's file."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from jobs.models import Job


def _job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user), pk=pk)


@require_safe
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/job_detail.html", {"job": _job(request, pk)})


@require_safe
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/_job_progress.html", {"job": _job(request, pk)})


@require_safe
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    # Served through this view, never from MEDIA_URL, so that only its owner gets it.
    job = _job(request, pk)
    if job.status != Job.Status.DONE or not job.result:
        raise Http404
    try:
        handle = job.result.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=job.result_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""The round's meeting material: its page, making the report, the files, the agenda item."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.views import run_service
from jobs.models import Job
from material import permissions, services
from material.agenda import AgendaText, agenda_docx, prefilled_text
from material.forms import AgendaPaperForm, MaterialStartForm
from material.models import AgendaPaper, MeetingMaterial
from material.selectors import meeting_date_for, meeting_report
from reporting.models import ReportingRound

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _round(request: HttpRequest, slug: str) -> ReportingRound:
    """A round the user sees, not a draft: 404 otherwise."""
    if not permissions.can_read_material(request.user):
        raise Http404
    return get_object_or_404(
        ReportingRound.objects.visible_to(request.user)
        .exclude(status=ReportingRound.Status.DRAFT)
        .select_related("framework__kkr"),
        slug=slug,
    )


def _managed_round(request: HttpRequest, slug: str) -> ReportingRound:
    round_ = _round(request, slug)
    if not permissions.can_make_material(request.user, round_):
        raise PermissionDenied
    return round_


def _latest(round_: ReportingRound) -> MeetingMaterial | None:
    """The round's newest finished meeting report: the one everyone fetches."""
    return (
        MeetingMaterial.objects.filter(round=round_, job__status=Job.Status.DONE)
        .exclude(job__result="")
        .select_related("job__created_by")
        .order_by("-job__finished_at", "-pk")
        .first()
    )


def _paper_text(round_: ReportingRound) -> tuple[AgendaText, AgendaPaper | None]:
    paper = AgendaPaper.objects.filter(round=round_).select_related("agenda_item").first()
    if paper is not None:
        text = AgendaText(paper.title, paper.background, paper.recommendation, paper.presentation)
        return text, paper
    return prefilled_text(meeting_report(round_=round_)), None


@require_safe
def round_material(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _round(request, slug)
    may_make = permissions.can_make_material(request.user, round_)
    context: dict[str, object] = {
        "round": round_,
        "latest": _latest(round_),
        "may_make": may_make,
        "paper": AgendaPaper.objects.filter(round=round_).select_related("updated_by").first(),
    }
    if may_make:
        context["start_form"] = MaterialStartForm(
            initial={"meeting_date": meeting_date_for(round_)}
        )
        # The secretariat's own report still being made: its progress bar, polled in place.
        context["running"] = (
            MeetingMaterial.objects.filter(round=round_, job__created_by=request.user)
            .exclude(job__status__in=Job.FINISHED_STATUSES)
            .select_related("job")
            .first()
        )
    return render(request, "material/round_material.html", context)


@require_POST
def material_start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    form = MaterialStartForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("meeting_date", []):
            messages.error(request, str(error))
        return redirect("material:round_material", slug=round_.slug)
    material = run_service(
        request,
        lambda: services.material_start(
            actor=request.user, round_=round_, meeting_date=form.cleaned_data["meeting_date"]
        ),
        lambda _material: _("Mødematerialet bliver lavet. Siden viser, hvor langt det er nået."),
    )
    if material is None:
        return redirect("material:round_material", slug=round_.slug)
    return redirect(material.job)


@require_safe
def material_download(request: HttpRequest, slug: str) -> FileResponse:
    """The round's newest meeting report, the same file for everyone who may read the round."""
    round_ = _round(request, slug)
    latest = _latest(round_)
    if latest is None:
        raise Http404
    try:
        handle = latest.job.result.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=latest.job.result_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def agenda_paper_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    text, paper = _paper_text(round_)
    initial = {
        "title": text.title,
        "background": text.background,
        "recommendation": text.recommendation,
        "presentation": text.presentation,
        "agenda_item": paper.agenda_item if paper else None,
    }
    form = AgendaPaperForm(request.POST or None, initial=initial, round_=round_)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.agenda_paper_save(
                actor=request.user, round_=round_, **form.cleaned_data
            ),
            lambda _paper: _("Dagsordenspunktet er gemt."),
        )
        if saved is not None:
            return redirect("material:round_material", slug=round_.slug)
    return render(
        request,
        "material/agenda_paper_form.html",
        {"round": round_, "form": form, "saved": paper is not None},
    )


@require_safe
def agenda_paper_docx(request: HttpRequest, slug: str) -> HttpResponse:
    """The agenda item as Word, naming the newest meeting report as its annex."""
    round_ = _round(request, slug)
    text, paper = _paper_text(round_)
    latest = _latest(round_)
    if paper is not None and paper.agenda_item is not None:
        meeting = str(paper.agenda_item.meeting)
    elif latest is not None and latest.meeting_date:
        meeting = _("KKR-mødet den %(date)s") % {
            "date": formats.date_format(latest.meeting_date, "j. F Y")
        }
    else:
        meeting = str(round_.framework.kkr)
    content = agenda_docx(
        text,
        kkr=round_.framework.kkr.name,
        meeting=meeting,
        annex_name=latest.job.result_name if latest else "",
        annex_url=request.build_absolute_uri(
            reverse("material:material_download", kwargs={"slug": round_.slug})
        ),
    )
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="dagsordenspunkt-{round_.slug}.docx"'
    return response

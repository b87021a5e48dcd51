"""Pilot projects: list, read, start, change, invite and answer invitations."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.views import run_service, show_refusal
from pilots import services as pilot_services
from pilots.filters import PilotProjectFilter
from pilots.forms import PilotInviteForm, PilotProjectCreateForm, PilotProjectEditForm
from pilots.models import PilotParticipation, PilotProject
from pilots.permissions import (
    can_edit_pilot,
    can_respond,
    can_see_pilot_results,
    can_start_pilots,
)
from pilots.selectors import pilot_groups, pilot_projects_for_list


def _editable_project(request: HttpRequest, pk: int) -> PilotProject:
    """A visible project the user may change; 404 if invisible, 403 if only visible."""
    project = get_object_or_404(
        PilotProject.objects.visible_to(request.user).select_related(
            "initiative__framework", "lead_municipality"
        ),
        pk=pk,
    )
    if not can_edit_pilot(request.user, project):
        raise PermissionDenied
    return project


@require_safe
def pilot_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    projects = PilotProject.objects.visible_to(request.user)
    filterset = PilotProjectFilter(request.GET or None, queryset=projects)
    if filterset.is_bound and filterset.is_valid():
        projects = filterset.qs
    context = {
        "filter": filterset,
        "groups": pilot_groups(pilot_projects_for_list(projects)),
        "can_create": can_start_pilots(request.user),
    }
    return render(request, "pilots/pilot_list.html", context)


@require_safe
def pilot_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        pilot_projects_for_list(PilotProject.objects.visible_to(request.user)), pk=pk
    )
    participations = list(project.participations.all())
    context = {
        "project": project,
        "participations": participations,
        "is_lead": can_edit_pilot(request.user, project),
        "show_results": bool(project.results) and can_see_pilot_results(request.user, project),
        "invitations": [
            p
            for p in participations
            if p.status == PilotParticipation.Status.INVITED and can_respond(request.user, p)
        ],
    }
    return render(request, "pilots/pilot_detail.html", context)


def pilot_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_start_pilots(request.user):
        raise PermissionDenied
    form = PilotProjectCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = pilot_services.pilot_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Pilotprojektet %(title)s er oprettet. Invitér nu de andre kommuner.")
                % {"title": project.title},
            )
            return redirect(project)
    return render(request, "pilots/pilot_form.html", {"form": form, "project": None})


def pilot_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    form = PilotProjectEditForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            pilot_services.pilot_update(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Pilotprojektet er gemt."))
            return redirect(project)
    return render(request, "pilots/pilot_form.html", {"form": form, "project": project})


def pilot_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    form = PilotInviteForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            invited = pilot_services.pilot_invite(
                actor=request.user,
                project=project,
                municipalities=form.cleaned_data["municipalities"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Invitationen er sendt til %(names)s.")
                % {"names": ", ".join(p.municipality.name for p in invited)},
            )
            return redirect(project)
    return render(request, "pilots/pilot_invite.html", {"form": form, "project": project})


@require_POST
def pilot_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participation = get_object_or_404(
        PilotParticipation.objects.filter(
            project__in=PilotProject.objects.visible_to(request.user)
        ).select_related("project", "municipality"),
        pk=pk,
    )
    if not can_respond(request.user, participation):
        raise PermissionDenied
    decision = request.POST.get("decision")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = participation.project.get_absolute_url()
    if decision not in {"accept", "decline"}:
        messages.error(request, _("Vælg, om kommunen vil deltage eller takke nej."))
        return redirect(next_url)

    def done(_answered: PilotParticipation) -> str:
        names = {
            "municipality": participation.municipality.name,
            "title": participation.project.title,
        }
        if decision == "accept":
            return _("%(municipality)s deltager nu i %(title)s.") % names
        return _("%(municipality)s har takket nej til %(title)s.") % names

    run_service(
        request,
        lambda: pilot_services.pilot_respond(
            actor=request.user, participation=participation, accept=decision == "accept"
        ),
        done,
    )
    return redirect(next_url)

"""The way to a framework: find (scoped), authorise, validate, call the service, redirect."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.uploads import (
    ATTACHMENT_MAX_REQUEST_BYTES,
    AttachmentForm,
    attachment_too_large_message,
    declared_length,
)
from core.views import run_service, show_refusal
from mappings import permissions, selectors, services
from mappings.forms import (
    MappingForm,
    MilestoneForm,
    PartyFormSet,
    PlanForm,
    SteeringGroupFormSet,
    party_initial,
    steering_group_initial,
)
from mappings.models import Challenge, Mapping, MappingDocument, Milestone, ProcessPlan
from municipalities.models import KKR


def _kkr(request: AuthenticatedHttpRequest, slug: str) -> KKR:
    """A KKR the user acts for: any other answers 404, like one that does not exist."""
    kkr = get_object_or_404(KKR, slug=slug)
    if not permissions.can_read_path(request.user, kkr.pk):
        raise Http404
    return kkr


def _authorise(request: AuthenticatedHttpRequest, kkr_id: int) -> None:
    if not permissions.can_edit_path(request.user, kkr_id):
        raise PermissionDenied


def _mapping(request: AuthenticatedHttpRequest, pk: int) -> Mapping:
    return get_object_or_404(Mapping.objects.visible_to(request.user).select_related("kkr"), pk=pk)


def _milestone(request: AuthenticatedHttpRequest, pk: int) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.visible_to(request.user).select_related("plan__mapping__kkr"), pk=pk
    )
    _authorise(request, milestone.plan.mapping.kkr_id)
    return milestone


# --- the path ------------------------------------------------------------------------------


@require_safe
def path_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "mappings/path_index.html", {"kkrs": list(selectors.path_kkrs(request.user))}
    )


@require_safe
def path(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    kkr = _kkr(request, slug)
    return render(
        request,
        "mappings/path.html",
        {
            "kkr": kkr,
            "paths": selectors.framework_path(request.user, kkr),
            "can_edit": permissions.can_edit_path(request.user, kkr.pk),
            "state_labels": selectors.STATE_LABELS,
        },
    )


# --- mappings ------------------------------------------------------------------------------


def _mapping_data(form: MappingForm) -> services.MappingData:
    data = form.cleaned_data
    return services.MappingData(
        title=data["title"],
        terms_of_reference=data["terms_of_reference"],
        terms_approved_on=data["terms_approved_on"],
        method=data["method"],
        studied_municipalities=list(data["studied_municipalities"]),
        workshop_municipality_count=data["workshop_municipality_count"],
        summary=data["summary"],
        presented_on=data["presented_on"],
        tracks=data["tracks"],
        challenges=form.challenges(),
    )


def mapping_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    kkr = _kkr(request, slug)
    _authorise(request, kkr.pk)
    form = MappingForm(request.POST or None, kkr=kkr)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.mapping_create(actor=request.user, kkr=kkr, data=_mapping_data(form))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Kortlægningen er gemt."))
            return redirect(mapping)
    return render(
        request, "mappings/mapping_form.html", {"form": form, "kkr": kkr, "mapping": None}
    )


def mapping_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mapping = _mapping(request, pk)
    _authorise(request, mapping.kkr_id)
    form = MappingForm(request.POST or None, kkr=mapping.kkr, mapping=mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.mapping_update(actor=request.user, mapping=mapping, data=_mapping_data(form))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Kortlægningen er gemt."))
            return redirect(mapping)
    return render(
        request,
        "mappings/mapping_form.html",
        {"form": form, "kkr": mapping.kkr, "mapping": mapping},
    )


@require_safe
def mapping_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mapping = _mapping(request, pk)
    can_edit = permissions.can_edit_path(request.user, mapping.kkr_id)
    challenges = list(mapping.challenges.all())
    return render(
        request,
        "mappings/mapping_detail.html",
        {
            "mapping": mapping,
            "kkr": mapping.kkr,
            "studied": list(mapping.studied_municipalities.order_by("name")),
            "tracks": list(mapping.tracks.all()),
            "challenge_groups": [
                (label, [c for c in challenges if c.kind == kind])
                for kind, label in Challenge.Kind.choices
            ],
            "documents": list(mapping.documents.all()),
            "can_edit": can_edit,
            "attachment_form": AttachmentForm() if can_edit else None,
            "plan": ProcessPlan.objects.filter(mapping=mapping).first(),
        },
    )


# CsrfViewMiddleware would read the whole body to find the token before the view runs, so
# the size is checked first, from Content-Length, and the CSRF check follows (as for reports).
@csrf_exempt
@require_POST
def document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mapping = _mapping(request, pk)
    _authorise(request, mapping.kkr_id)
    if declared_length(request) > ATTACHMENT_MAX_REQUEST_BYTES:
        reason = {"reason": attachment_too_large_message()}
        messages.error(request, _("Filen blev ikke vedhæftet: %(reason)s") % reason)
        return redirect(mapping)
    return _document_upload(request, mapping)


@csrf_protect
def _document_upload(request: AuthenticatedHttpRequest, mapping: Mapping) -> HttpResponse:
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for message in form.errors.get("file", []):
            messages.error(
                request, _("Filen blev ikke vedhæftet: %(reason)s") % {"reason": message}
            )
        return redirect(mapping)
    run_service(
        request,
        lambda: services.document_add(
            actor=request.user, mapping=mapping, upload=form.cleaned_data["file"]
        ),
        lambda document: (
            _("%(name)s er vedhæftet kortlægningen.") % {"name": document.original_name}
        ),
    )
    return redirect(f"{mapping.get_absolute_url()}#dokumenter")


def _document(request: AuthenticatedHttpRequest, pk: int) -> MappingDocument:
    return get_object_or_404(
        MappingDocument.objects.filter(
            mapping__in=Mapping.objects.visible_to(request.user)
        ).select_related("mapping"),
        pk=pk,
    )


@require_safe
def document_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    document = _document(request, pk)
    return document.download()


@require_POST
def document_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    _authorise(request, document.mapping.kkr_id)
    mapping = document.mapping
    services.document_delete(actor=request.user, document=document)
    messages.success(request, _("%(name)s er slettet.") % {"name": document.original_name})
    return redirect(f"{mapping.get_absolute_url()}#dokumenter")


# --- the process plan ----------------------------------------------------------------------


def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Make the process plan of a mapping, or change it."""
    mapping = _mapping(request, pk)
    _authorise(request, mapping.kkr_id)
    plan = ProcessPlan.objects.filter(mapping=mapping).first()
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_save(actor=request.user, mapping=mapping, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Procesplanen er gemt."))
            return redirect(plan)
    return render(
        request,
        "mappings/plan_form.html",
        {"form": form, "mapping": mapping, "kkr": mapping.kkr, "plan": plan},
    )


def _milestone_data(form: MilestoneForm) -> services.MilestoneData:
    data = form.cleaned_data
    return services.MilestoneData(
        title=data["title"],
        date=data["date"],
        status=data["status"],
        description=data["description"],
        owners=list(data["owners"]),
        involved=list(data["involved"]),
        framework=data["framework"],
    )


def milestone_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        ProcessPlan.objects.visible_to(request.user).select_related("mapping__kkr"), pk=pk
    )
    kkr = plan.mapping.kkr
    _authorise(request, kkr.pk)
    form = MilestoneForm(request.POST or None, actor=request.user, kkr=kkr)
    if request.method == "POST" and form.is_valid():
        try:
            milestone = services.milestone_create(
                actor=request.user, plan=plan, data=_milestone_data(form)
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Milepælen er tilføjet procesplanen."))
            return redirect(milestone)
    return render(request, "mappings/milestone_form.html", {"form": form, "plan": plan, "kkr": kkr})


def milestone_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    plan, kkr = milestone.plan, milestone.plan.mapping.kkr
    form = MilestoneForm(request.POST or None, actor=request.user, kkr=kkr, milestone=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(
                actor=request.user, milestone=milestone, data=_milestone_data(form)
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Milepælen er gemt."))
            return redirect(milestone)
    return render(
        request,
        "mappings/milestone_form.html",
        {"form": form, "plan": plan, "kkr": kkr, "milestone": milestone},
    )


@require_POST
def milestone_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    plan = milestone.plan
    services.milestone_delete(actor=request.user, milestone=milestone)
    messages.success(request, _("Milepælen %(title)s er slettet.") % {"title": milestone.title})
    return redirect(plan)


# --- steering groups and parties -----------------------------------------------------------


def _rows(formset: forms.BaseFormSet, make: Any) -> list[Any]:
    rows = []
    for row in formset.cleaned_data:
        if not row:
            continue  # the empty extra row
        rows.append(make(row))
    return rows


def groups_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    kkr = _kkr(request, slug)
    _authorise(request, kkr.pk)
    data = request.POST if request.method == "POST" else None
    groups = SteeringGroupFormSet(data, prefix="styregrupper", initial=steering_group_initial(kkr))
    parties = PartyFormSet(data, prefix="parter", initial=party_initial(kkr))
    error = None
    if data is not None and groups.is_valid() and parties.is_valid():
        try:
            services.steering_groups_save(
                actor=request.user,
                kkr=kkr,
                groups=_rows(
                    groups,
                    lambda row: services.SteeringGroupRow(
                        pk=row.get("pk"),
                        short_name=row["short_name"],
                        name=row.get("name", ""),
                        delete=row.get("DELETE", False),
                    ),
                ),
                parties=_rows(
                    parties,
                    lambda row: services.PartyRow(
                        pk=row.get("pk"), name=row["name"], delete=row.get("DELETE", False)
                    ),
                ),
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Styregrupper og parter er gemt."))
            return redirect("mappings:groups_edit", slug=kkr.slug)
    return render(
        request,
        "mappings/groups_form.html",
        {"kkr": kkr, "groups": groups, "parties": parties, "error": error},
    )

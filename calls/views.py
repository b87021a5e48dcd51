"""Calls and proposals: find (scoped), authorise, call the service."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from calls import permissions, selectors, services
from calls.forms import (
    CallForm,
    ConversionForm,
    FrameworkChoiceForm,
    FrameworkTextForm,
    MergeForm,
    ProposalForm,
    ReviewForm,
    initiative_formset,
)
from calls.models import Call, MergedInitiative, Proposal, ProposalInitiative
from calls.services import conversion
from commitments.models import Framework
from core.uploads import (
    ATTACHMENT_MAX_REQUEST_BYTES,
    attachment_response,
    attachment_too_large_message,
    declared_length,
)
from core.views import run_service, show_refusal

SESSION_FLAG = "has_calls"


def _remember_calls(request: AuthenticatedHttpRequest) -> None:
    """The menu's "Indkaldelser" for an addressee; written once, not on every page."""
    if not request.session.get(SESSION_FLAG):
        request.session[SESSION_FLAG] = True


def _call(request: AuthenticatedHttpRequest, pk: int) -> Call:
    # The addressees come along: the predicates find the user among them without a query.
    return get_object_or_404(
        Call.objects.visible_to(request.user).select_related("kkr").prefetch_related("addressees"),
        pk=pk,
    )


def _managed_call(request: AuthenticatedHttpRequest, pk: int) -> Call:
    call = _call(request, pk)
    if not permissions.can_manage_call(request.user, call):
        raise PermissionDenied
    return call


def _proposal(request: AuthenticatedHttpRequest, pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related("call__kkr", "author"), pk=pk
    )


@require_safe
def call_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    calls = list(selectors.calls_for(request.user))
    if calls:
        _remember_calls(request)
    return render(
        request,
        "calls/call_list.html",
        {"calls": calls, "can_create": permissions.can_create_call(request.user)},
    )


def _call_form_view(request: AuthenticatedHttpRequest, call: Call | None) -> HttpResponse:
    form = CallForm(request.POST or None, request.FILES or None, actor=request.user, call=call)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if call is None:
                saved = services.call_create(actor=request.user, **data)
            else:
                data.pop("kkr")
                saved = services.call_update(actor=request.user, call=call, **data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Indkaldelsen er gemt som kladde."))
            return redirect(saved)
    return render(request, "calls/call_form.html", {"form": form, "call": call})


def _too_large(request: AuthenticatedHttpRequest) -> bool:
    """A form whose Content-Length passes the upload limit is refused before it is read."""
    if declared_length(request) <= ATTACHMENT_MAX_REQUEST_BYTES:
        return False
    messages.error(
        request,
        _("Indkaldelsen blev ikke gemt: %(reason)s") % {"reason": attachment_too_large_message()},
    )
    return True


# CsrfViewMiddleware would read the whole body to find the token before the view runs, so
# the size is checked first, from Content-Length, and the CSRF check follows (decision 28).
@csrf_exempt
def call_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_create_call(request.user):
        raise PermissionDenied
    if request.method == "POST" and _too_large(request):
        return redirect("calls:call_create")
    return csrf_protect(_call_form_view)(request, None)


@csrf_exempt
def call_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _managed_call(request, pk)
    if call.status != Call.Status.DRAFT:
        raise PermissionDenied
    if request.method == "POST" and _too_large(request):
        return redirect("calls:call_edit", pk=call.pk)
    return csrf_protect(_call_form_view)(request, call)


@require_safe
def call_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    manages = permissions.can_manage_call(request.user, call)
    own = Proposal.objects.filter(call=call, author=request.user).first()
    if permissions.is_addressee(request.user, call):
        _remember_calls(request)
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "manages": manages,
            "themes": list(call.themes.all()),
            "addressees": sorted(
                call.addressees.all(), key=lambda person: (person.full_name, person.email)
            )
            if manages
            else [],
            "proposals": list(selectors.submitted_proposals(call)) if manages else [],
            "own_proposal": own,
            "can_propose": permissions.can_propose(request.user, call),
        },
    )


@require_POST
def call_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _managed_call(request, pk)
    run_service(
        request,
        lambda: services.call_open(actor=request.user, call=call),
        lambda _call: _("Indkaldelsen er sendt til modtagerne."),
    )
    return redirect(call)


@require_POST
def call_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _managed_call(request, pk)
    run_service(
        request,
        lambda: services.call_close(actor=request.user, call=call),
        lambda _call: _("Indkaldelsen er lukket."),
    )
    return redirect(call)


@require_safe
def call_example(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    call = _call(request, pk)
    if not call.example:
        raise Http404
    return attachment_response(call.example, call.example_name or "eksempel")


def proposal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The addressee's own draft proposal to the call: created on the first save."""
    call = _call(request, pk)
    if not permissions.can_propose(request.user, call):
        raise PermissionDenied
    proposal = Proposal.objects.filter(call=call, author=request.user).first()
    if proposal is not None and not permissions.can_edit_proposal(request.user, proposal):
        return redirect(proposal)
    initial_goal = {"goal": proposal.goal} if proposal else None
    initial_initiatives = (
        [
            {
                "theme": item.theme_id,
                "kind": item.kind,
                "text": item.text,
                "rationale": item.rationale,
            }
            for item in proposal.initiatives.all()
        ]
        if proposal
        else None
    )
    data = request.POST if request.method == "POST" else None
    form = ProposalForm(data, initial=initial_goal)
    formset = initiative_formset(
        call, data, initial=initial_initiatives, extra=1 if initial_initiatives else 2
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        initiatives = [
            services.InitiativeData(
                kind=row["kind"], text=row["text"], rationale=row["rationale"], theme=row["theme"]
            )
            for row in formset.cleaned_data
            if row
        ]
        try:
            saved = services.proposal_save(
                actor=request.user,
                call=call,
                goal=form.cleaned_data["goal"],
                initiatives=initiatives,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Dit forslag er gemt som kladde. Kun du kan se det."))
            return redirect(saved)
    return render(
        request,
        "calls/proposal_form.html",
        {"call": call, "form": form, "formset": formset, "proposal": proposal},
    )


@require_safe
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    reviews = permissions.can_review_proposal(request.user, proposal)
    return render(
        request,
        "calls/proposal_detail.html",
        {
            "proposal": proposal,
            "call": proposal.call,
            "initiatives": list(proposal.initiatives.select_related("theme")),
            "can_edit": permissions.can_edit_proposal(request.user, proposal),
            "reviews": reviews,
            "review_form": ReviewForm(
                initial={"status": proposal.status, "comment": proposal.review_comment}
            )
            if reviews
            else None,
        },
    )


@require_POST
def proposal_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    if not permissions.can_edit_proposal(request.user, proposal):
        raise PermissionDenied
    run_service(
        request,
        lambda: services.proposal_submit(actor=request.user, proposal=proposal),
        lambda _proposal: _("Dit forslag er indsendt til sekretariatet."),
    )
    return redirect(proposal)


@require_POST
def proposal_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    if not permissions.can_review_proposal(request.user, proposal):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vælg at acceptere eller afvise forslaget."))
        return redirect(proposal)
    run_service(
        request,
        lambda: services.proposal_review(
            actor=request.user, proposal=proposal, **form.cleaned_data
        ),
        lambda reviewed: (
            _("Forslaget er behandlet: %(status)s.")
            % {"status": reviewed.get_status_display().lower()}
        ),
    )
    return redirect(proposal)


def framework_text(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(
        ProposalInitiative.objects.filter(
            proposal__in=Proposal.objects.visible_to(request.user)
        ).select_related("proposal__call__kkr", "proposal__author", "theme"),
        pk=pk,
    )
    proposal = initiative.proposal
    if not permissions.can_review_proposal(request.user, proposal):
        raise PermissionDenied
    form = FrameworkTextForm(
        request.POST or None,
        initial={"framework_text": initiative.framework_text or initiative.text},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_text_record(
                actor=request.user, initiative=initiative, **form.cleaned_data
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Teksten til rammepapiret er gemt."))
            return redirect(proposal)
    return render(
        request,
        "calls/framework_text_form.html",
        {"form": form, "initiative": initiative, "proposal": proposal, "call": proposal.call},
    )


# --- from proposals to a draft framework ----------------------------------------------------


def _merge_labels(call: Call, initiatives: list[ProposalInitiative]) -> dict[int, str]:
    places = selectors.author_places({item.proposal.author for item in initiatives})
    return {
        item.pk: _("%(text)s – forslag fra %(author)s")
        % {"text": item.wording, "author": selectors.author_label(item.proposal.author, places)}
        for item in initiatives
    }


def call_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The secretariat merges accepted proposals' initiatives that say the same."""
    call = _managed_call(request, pk)
    choices = selectors.mergeable_initiatives(call)
    form = MergeForm(request.POST or None, choices=choices, labels=_merge_labels(call, choices))
    if request.method == "POST" and form.is_valid():
        try:
            conversion.proposal_initiatives_merge(
                actor=request.user,
                call=call,
                initiatives=list(form.cleaned_data["initiatives"]),
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Indsatserne er lagt sammen til én."))
            return redirect("calls:call_convert", pk=call.pk)
    return render(
        request,
        "calls/call_merge.html",
        {"call": call, "form": form, "merges": list(selectors.merges(call))},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def call_merge_dissolve(request: AuthenticatedHttpRequest, pk: int, merge_pk: int) -> HttpResponse:
    """The secretariat undoes a merge not yet in a framework, after a page that shows what
    will be undone (its text and reason are kept only in the call's history)."""
    call = _managed_call(request, pk)
    merged = get_object_or_404(selectors.merges(call), pk=merge_pk)
    if request.method != "POST":
        return render(request, "calls/call_merge_dissolve.html", {"call": call, "merge": merged})
    run_service(
        request,
        lambda: conversion.merged_initiative_dissolve(actor=request.user, call=call, merged=merged),
        lambda _none: _(
            "Sammenlægningen er fortrudt. Indsatserne kan lægges sammen på ny eller blive til "
            "indsatser hver for sig."
        ),
    )
    return redirect("calls:call_merge", pk=call.pk)


@dataclass(frozen=True)
class ItemRow:
    """One item to convert, as the pages show it: its wording and the authors behind it."""

    item: selectors.ConversionItem
    wording: str
    authors: list[str]
    merged: bool


def _item_rows(items: list[selectors.ConversionItem]) -> list[ItemRow]:
    sources = {selectors.item_key(item): selectors.item_sources(item) for item in items}
    places = selectors.author_places(
        {source.proposal.author for group in sources.values() for source in group}
    )
    return [
        ItemRow(
            item=item,
            wording=selectors.item_wording(item),
            authors=list(
                dict.fromkeys(
                    selectors.author_label(source.proposal.author, places)
                    for source in sources[selectors.item_key(item)]
                )
            ),
            merged=isinstance(item, MergedInitiative),
        )
        for item in items
    ]


def call_convert(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Choose a draft framework and where each accepted initiative goes; confirm; convert."""
    call = _managed_call(request, pk)
    frameworks = selectors.draft_frameworks_for(request.user, call)
    data = request.POST if request.method == "POST" else request.GET
    framework = None
    if data.get("rammepapir"):
        # Any framework the user writes: the service says why a wrong one is refused.
        framework = get_object_or_404(
            Framework.objects.editable_by(request.user), pk=data.get("rammepapir")
        )
    elif len(frameworks) == 1:
        framework = frameworks[0]
    items = selectors.conversion_items(call)
    rows = _item_rows(items)
    form = None
    if framework is not None and items:
        form = ConversionForm(
            request.POST if request.method == "POST" else None, items=items, framework=framework
        )
    context = {
        "call": call,
        "choice_form": FrameworkChoiceForm(
            initial={"rammepapir": framework.pk if framework else None}, frameworks=frameworks
        ),
        "framework": framework,
        "form": form,
        "items": rows,
        "form_rows": list(zip(rows, form.rows(), strict=True)) if form else [],
        "converted": selectors.converted_origins(call),
    }
    if request.method == "POST" and form is not None and framework is not None and form.is_valid():
        if "bekraeft" not in request.POST:
            context["summary"] = list(zip(rows, form.placements(), strict=True))
            return render(request, "calls/call_convert_confirm.html", context)
        try:
            created = conversion.proposals_convert(
                actor=request.user, call=call, framework=framework, placements=form.placements()
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d indsats er oprettet i udkastet til rammepapir.",
                    "%(count)d indsatser er oprettet i udkastet til rammepapir.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect("commitments:framework_editor", slug=framework.slug)
    return render(request, "calls/call_convert.html", context)


@require_safe
def call_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    if not permissions.can_see_call_history(request.user, call):
        raise PermissionDenied
    return render(
        request, "calls/call_history.html", {"call": call, "rows": selectors.call_history(call)}
    )

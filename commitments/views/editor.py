"""The secretariat's framework editor: find (scoped), authorise, validate, call the service.

A framework the user cannot see answers 404; one they only read answers 403; an adopted one
is not edited in place: the editor's pages send the secretariat back to the framework page
with the reason (decision 25).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from commitments import permissions
from commitments.forms import (
    AdoptForm,
    FrameworkForm,
    ImportForm,
    InitiativeForm,
    area_formsets,
    goal_formset,
    method_changes,
    method_formset,
    structure_changes,
)
from commitments.models import (
    Framework,
    Initiative,
    InitiativeBlock,
    OverarchingGoal,
    StrategicArea,
)
from commitments.selectors import framework_history as history_rows
from commitments.selectors import framework_structure
from commitments.services import files as file_services
from commitments.services import frameworks as services
from core.views import run_service, show_refusal


def _framework(request: HttpRequest, slug: str) -> Framework:
    """A framework the user may write: 404 if they cannot see it, 403 if they only read it."""
    framework = get_object_or_404(
        Framework.objects.visible_to(request.user).select_related("kkr", "revision_of"),
        slug=slug,
    )
    if not permissions.can_edit_framework(request.user, framework):
        raise PermissionDenied
    return framework


def _refuse_if_adopted(request: HttpRequest, framework: Framework) -> HttpResponse | None:
    if framework.is_editable:
        return None
    messages.error(request, str(services.NOT_EDITABLE))
    return redirect(framework)


def _editor_url(framework: Framework) -> str:
    return framework.get_absolute_url() + "rediger/"


# --- a new framework --------------------------------------------------------------------------


def framework_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_create_framework(request.user):
        raise PermissionDenied
    kkr_ids = permissions.framework_kkr_ids(request.user)
    form = FrameworkForm(request.POST or None, kkr_ids=kkr_ids)
    goals = goal_formset(request.POST or None, framework=None)
    if request.method == "POST" and form.is_valid() & goals.is_valid():
        data = form.cleaned_data
        try:
            framework = services.framework_create(
                actor=request.user,
                kkr=data["kkr"],
                title=data["title"],
                subtitle=data["subtitle"],
                introduction=data["introduction"],
                implementation_start=data["implementation_start"],
                implementation_end=data["implementation_end"],
                goals=_goal_texts(goals),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Rammepapiret er oprettet som udkast. Tilføj nu områder og indsatser."),
            )
            return redirect(_editor_url(framework))
    context = {"form": form, "goals": goals, "framework": None}
    return render(request, "commitments/framework_form.html", context)


def _goal_texts(goals) -> list[str]:
    return [f.cleaned_data["text"].strip() for f in goals if f.cleaned_data.get("text", "").strip()]


def framework_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_create_framework(request.user):
        raise PermissionDenied
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        kkr_ids=permissions.framework_kkr_ids(request.user),
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            framework = file_services.framework_import(
                actor=request.user,
                kkr=form.cleaned_data["kkr"],
                content=form.cleaned_data["file"].read(),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("Rammepapiret “%(title)s” er indlæst som udkast.") % {"title": framework.title},
            )
            return redirect(_editor_url(framework))
    return render(
        request, "commitments/framework_import.html", {"form": form, "file_errors": errors}
    )


# --- the editor -----------------------------------------------------------------------------


@require_safe
def framework_editor(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = _framework(request, slug)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    context = {
        "framework": framework,
        "goals": list(framework.goals.order_by("number")),
        "areas": framework_structure(framework=framework),
        "method_count": framework.methods.count(),
    }
    return render(request, "commitments/framework_editor.html", context)


def framework_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = _framework(request, slug)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    form = FrameworkForm(request.POST or None, framework=framework)
    goals = goal_formset(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid() & goals.is_valid():
        try:
            services.framework_update(
                actor=request.user,
                framework=framework,
                **form.cleaned_data,
                goals=_goal_texts(goals),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Rammepapiret er gemt."))
            return redirect(_editor_url(framework))
    context = {"form": form, "goals": goals, "framework": framework}
    return render(request, "commitments/framework_form.html", context)


def structure_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = _framework(request, slug)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    areas, blocks = area_formsets(request.POST or None, framework=framework)
    refusals: list[str] = []
    if request.method == "POST" and areas.is_valid() & blocks.is_valid():
        try:
            area_changes, block_changes = structure_changes(areas, blocks, framework=framework)
            services.structure_save(
                actor=request.user,
                framework=framework,
                areas=area_changes,
                blocks=block_changes,
            )
        except ValidationError as error:
            refusals = error.messages
        else:
            messages.success(request, _("Områderne er gemt."))
            return redirect(_editor_url(framework))
    context = {"framework": framework, "areas": areas, "blocks": blocks, "refusals": refusals}
    return render(request, "commitments/framework_structure_form.html", context)


def methods_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = _framework(request, slug)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    methods = method_formset(request.POST or None, framework=framework)
    refusals: list[str] = []
    if request.method == "POST" and methods.is_valid():
        try:
            services.methods_save(
                actor=request.user,
                framework=framework,
                methods=method_changes(methods, framework=framework),
            )
        except ValidationError as error:
            refusals = error.messages
        else:
            messages.success(request, _("Metoderne er gemt."))
            return redirect(_editor_url(framework))
    context = {"framework": framework, "methods": methods, "refusals": refusals}
    return render(request, "commitments/framework_methods_form.html", context)


# What can be moved, and the anchor of its row on the editor's page.
MOVABLE: dict[str, tuple[type[OverarchingGoal | StrategicArea | Initiative], str]] = {
    "goal": (OverarchingGoal, "maal"),
    "area": (StrategicArea, "omraade"),
    "initiative": (Initiative, "indsats"),
}


@require_POST
def framework_move(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = _framework(request, slug)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    model, anchor = MOVABLE.get(request.POST.get("what", ""), (None, ""))
    pk = request.POST.get("pk", "")
    item = None
    if model is not None and pk.isdigit():
        item = model._default_manager.filter(framework_id=framework.pk, pk=pk).first()
    if item is None:
        messages.error(request, _("Det, du ville flytte, findes ikke længere."))
        return redirect(_editor_url(framework))
    run_service(
        request,
        lambda: services.framework_move(
            actor=request.user,
            framework=framework,
            item=item,
            up=request.POST.get("direction") == "up",
        ),
        lambda _result: _("Rækkefølgen er ændret."),
    )
    return redirect(f"{_editor_url(framework)}#{anchor}-{item.pk}")


# --- initiatives ----------------------------------------------------------------------------


def _initiative_form_page(
    request: AuthenticatedHttpRequest, framework: Framework, initiative: Initiative | None
) -> HttpResponse:
    initial = None
    if initiative is not None:
        initial = {
            "block": initiative.block_id,
            "kind": initiative.kind,
            "code": initiative.code,
            "title": initiative.title,
            "text": initiative.text,
            "methods": list(initiative.methods.all()),
            "predecessor": initiative.predecessor_id,
            "relation": initiative.relation,
        }
    else:
        block = request.GET.get("blok", "")
        initial = {
            "kind": Initiative.Kind.MANDATORY,
            "block": int(block) if block.isdigit() else None,
            "relation": Initiative.Relation.NEW,
        }
    form = InitiativeForm(request.POST or None, initial=initial, framework=framework)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.initiative_save(
                actor=request.user,
                framework=framework,
                initiative=initiative,
                block=data["block"],
                kind=data["kind"],
                code=data["code"].strip(),
                title=data["title"],
                text=data["text"],
                methods=list(data.get("methods", [])),
                lineage=(
                    services.Lineage(data["predecessor"], data["relation"])
                    if "relation" in data
                    else None
                ),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Indsatsen %(code)s er gemt.") % {"code": saved.code})
            return redirect(_editor_url(framework) + f"#indsats-{saved.pk}")
    context = {"framework": framework, "form": form, "initiative": initiative}
    return render(request, "commitments/initiative_form.html", context)


def initiative_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = _framework(request, slug)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    if not InitiativeBlock.objects.filter(area__framework=framework).exists():
        messages.error(request, _("Tilføj et område, før du tilføjer indsatser."))
        return redirect("commitments:structure_edit", slug=framework.slug)
    return _initiative_form_page(request, framework, None)


def _initiative(framework: Framework, code: str) -> Initiative:
    return get_object_or_404(
        Initiative.objects.filter(framework=framework).select_related("block__area"), code=code
    )


def initiative_edit(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponse:
    framework = _framework(request, slug)
    initiative = _initiative(framework, code)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    return _initiative_form_page(request, framework, initiative)


@require_POST
def initiative_delete(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponse:
    framework = _framework(request, slug)
    initiative = _initiative(framework, code)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    run_service(
        request,
        lambda: services.initiative_delete(
            actor=request.user, framework=framework, initiative=initiative
        ),
        lambda _result: _("Indsatsen %(code)s er slettet.") % {"code": code},
    )
    return redirect(_editor_url(framework))


# --- life cycle -----------------------------------------------------------------------------


@require_POST
def consultation_open(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = _framework(request, slug)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    run_service(
        request,
        lambda: services.framework_open_consultation(actor=request.user, framework=framework),
        lambda _result: _(
            "Rammepapiret er sendt i høring. KKR'ets koordinatorer og politikere kan nu læse det."
        ),
    )
    return redirect(_editor_url(framework))


@require_POST
def consultation_close(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = _framework(request, slug)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    run_service(
        request,
        lambda: services.framework_close_consultation(actor=request.user, framework=framework),
        lambda _result: _("Høringen er afsluttet. Rammepapiret er igen et udkast."),
    )
    return redirect(_editor_url(framework))


def framework_adopt(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = _framework(request, slug)
    if refusal := _refuse_if_adopted(request, framework):
        return refusal
    form = AdoptForm(request.POST or None, initial={"adopted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.framework_adopt(
                actor=request.user,
                framework=framework,
                adopted_on=data["adopted_on"],
                decision=data["adoption_decision"],
                decision_url=data["adoption_url"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Rammepapiret er vedtaget. Der kan nu oprettes afrapporteringsrunder for det."),
            )
            return redirect(framework)
    context = {
        "framework": framework,
        "form": form,
        "initiative_count": framework.initiatives.count(),
    }
    return render(request, "commitments/framework_adopt.html", context)


@require_POST
def framework_revise(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Start the next revision of an adopted framework and open it in the editor."""
    framework = _framework(request, slug)
    revision = run_service(
        request,
        lambda: services.framework_revise(actor=request.user, framework=framework),
        lambda _result: _(
            "Revisionen er oprettet som udkast med en kopi af rammepapiret. Det vedtagne "
            "rammepapir gælder, indtil revisionen er vedtaget."
        ),
    )
    if revision is None:
        return redirect(framework)
    return redirect(_editor_url(revision))


@require_safe
def framework_history(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    framework = get_object_or_404(
        Framework.objects.visible_to(request.user).select_related("kkr"), slug=slug
    )
    if not permissions.can_see_framework_history(request.user, framework):
        raise PermissionDenied
    context = {"framework": framework, "rows": history_rows(framework)}
    return render(request, "commitments/framework_history.html", context)

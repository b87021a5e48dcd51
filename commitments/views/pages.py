"""The framework pages everyone reads: the list, a framework, a revision compared with the
framework it revises, an initiative, its file."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from commitments import permissions
from commitments.files import framework_file_bytes
from commitments.models import Framework, Initiative
from commitments.selectors import framework_comparison, framework_structure


@login_not_required
@require_safe
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = (
        Framework.objects.visible_to(request.user)
        .select_related("kkr")
        .annotate(
            mandatory_count=Count("initiatives", filter=Q(initiatives__kind="mandatory")),
            pilot_count=Count("initiatives", filter=Q(initiatives__kind="pilot")),
        )
        .order_by("kkr__name", "status", "title")
    )
    context = {
        "frameworks": frameworks,
        "can_create": permissions.can_create_framework(request.user),
    }
    return render(request, "commitments/framework_list.html", context)


@login_not_required
@require_safe
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = get_object_or_404(
        Framework.objects.visible_to(request.user).select_related("kkr", "revision_of"),
        slug=slug,
    )
    revision_of = framework.revision_of
    # The revisions the viewer may read: one query, which also tells the secretariat whether
    # a revision is already being written (it reads its KKR's drafts).
    revisions = list(
        Framework.objects.visible_to(request.user)
        .filter(revision_of=framework)
        .order_by("-created_at")
    )
    context = {
        "framework": framework,
        "goals": framework.goals.order_by("number"),
        "areas": framework_structure(framework=framework),
        "can_edit": permissions.can_edit_framework(request.user, framework),
        "revision_of": (
            revision_of
            if revision_of is not None and permissions.can_read_framework(request.user, revision_of)
            else None
        ),
        "revisions": revisions,
        "revision_in_progress": next(
            (r for r in revisions if r.is_editable and r.kkr_id == framework.kkr_id), None
        ),
        "can_revise": permissions.can_revise_framework(request.user, framework),
    }
    return render(request, "commitments/framework_detail.html", context)


@login_not_required
@require_safe
def framework_compare(request: HttpRequest, slug: str) -> HttpResponse:
    """A revision against the framework it revises, for whoever may read both (404 else)."""
    visible = Framework.objects.visible_to(request.user)
    revision = get_object_or_404(
        visible.select_related("kkr", "revision_of__kkr"),
        slug=slug,
        revision_of__in=visible,
    )
    context = {
        "framework": revision,
        "comparison": framework_comparison(revision=revision),
    }
    return render(request, "commitments/framework_compare.html", context)


@login_not_required
@require_safe
def initiative_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    initiative = get_object_or_404(
        Initiative.objects.filter(framework__in=Framework.objects.visible_to(request.user))
        .select_related("framework__kkr", "block__area")
        .prefetch_related("methods"),
        framework__slug=slug,
        code=code,
    )
    siblings = list(
        Initiative.objects.filter(framework=initiative.framework)
        .in_display_order()
        .values_list("code", "title")
    )
    codes = [code for code, _title in siblings]
    position = codes.index(initiative.code)
    context = {
        "initiative": initiative,
        "framework": initiative.framework,
        "previous": siblings[position - 1] if position > 0 else None,
        "next": siblings[position + 1] if position + 1 < len(siblings) else None,
    }
    return render(request, "commitments/initiative_detail.html", context)


@login_not_required
@require_safe
def framework_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The framework as a file (docs/framework-files.md), for whoever may read its page."""
    framework = get_object_or_404(Framework.objects.visible_to(request.user), slug=slug)
    response = HttpResponse(framework_file_bytes(framework), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{framework.slug}.json"'
    return response

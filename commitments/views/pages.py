"""The framework pages everyone reads: the list, a framework, an initiative, its file."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from commitments import permissions
from commitments.files import framework_file_bytes
from commitments.models import Framework, Initiative
from commitments.selectors import framework_structure


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
        Framework.objects.visible_to(request.user).select_related("kkr"), slug=slug
    )
    context = {
        "framework": framework,
        "goals": framework.goals.order_by("number"),
        "areas": framework_structure(framework=framework),
        "can_edit": permissions.can_edit_framework(request.user, framework),
    }
    return render(request, "commitments/framework_detail.html", context)


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

"""Pages that belong to the portal as a whole rather than to one app."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from commitments.models import Framework


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    frameworks = (
        Framework.objects.visible_to(request.user).select_related("kkr").order_by("-adopted_on")
    )
    return render(request, "home.html", {"frameworks": frameworks})


@login_not_required
@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")

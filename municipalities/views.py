from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from municipalities.models import KKR, Municipality


@login_not_required
@require_safe
def municipality_list(request: HttpRequest) -> HttpResponse:
    kkrs = KKR.objects.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
    ).order_by("name")
    return render(request, "municipalities/municipality_list.html", {"kkrs": kkrs})


@login_not_required
@require_safe
def municipality_detail(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality.objects.select_related("kkr"), code=code)
    neighbours = municipality.kkr.municipalities.exclude(pk=municipality.pk).order_by("name")
    context = {"municipality": municipality, "neighbours": neighbours}
    return render(request, "municipalities/municipality_detail.html", context)

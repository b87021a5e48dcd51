"""A municipality's report: read, edit, submit; the secretariat's review of it."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reporting.models import Report
from reporting.selectors import entries_by_area, report_for_page


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = report_for_page(queryset=Report.objects.visible_to(request.user), pk=pk)
    except Report.DoesNotExist as missing:
        raise Http404 from missing
    context = {
        "report": report,
        "areas": entries_by_area(report),
        "can_edit": Report.objects.editable_by(request.user).filter(pk=report.pk).exists(),
        "can_review": Report.objects.reviewable_by(request.user).filter(pk=report.pk).exists(),
    }
    return render(request, "reporting/report_detail.html", context)

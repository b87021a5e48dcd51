"""Reminders sent by hand from the follow-up grid, a round's automatic reminders, and the
"Mine opgaver" page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import get_scope
from core.views import run_service
from meetings.selectors import meeting_tasks_for
from notifications import services
from notifications.selectors import reminder_plan, tasks_for
from reporting.models import Report, ReportingRound
from reporting.permissions import can_manage_round, can_review_report


def _managed_round(request: HttpRequest, slug: str) -> ReportingRound:
    """A round the user may change: 404 if they cannot see it, 403 if they only read it."""
    round_ = get_object_or_404(
        ReportingRound.objects.visible_to(request.user).select_related("framework__kkr"),
        slug=slug,
    )
    if not can_manage_round(request.user, round_):
        raise PermissionDenied
    return round_


def _reviewable_report(request: HttpRequest, pk: int) -> Report:
    """A report the secretariat follows up on: 404 if not visible, 403 if only readable."""
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("round", "municipality"), pk=pk
    )
    if not can_review_report(request.user, report):
        raise PermissionDenied
    return report


@require_POST
def round_remind_all(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    try:
        result = services.reminders_send_missing(actor=request.user, round_=round_)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(round_)
    if result.sent:
        messages.success(
            request,
            ngettext(
                "Påmindelsen er sendt til %(count)s kommune.",
                "Påmindelsen er sendt til %(count)s kommuner.",
                result.sent,
            )
            % {"count": result.sent},
        )
    else:
        messages.info(request, _("Der er ikke sendt nogen påmindelser."))
    if result.recently_reminded:
        messages.info(
            request,
            _("Disse kommuner har fået en påmindelse inden for det seneste døgn: %(names)s.")
            % {"names": ", ".join(result.recently_reminded)},
        )
    if result.without_coordinators:
        messages.warning(
            request,
            _("Disse kommuner har ingen aktive koordinatorer at sende til: %(names)s.")
            % {"names": ", ".join(result.without_coordinators)},
        )
    return redirect(round_)


@require_POST
def round_remind_one(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _reviewable_report(request, pk)
    run_service(
        request,
        lambda: services.reminder_send_manual(actor=request.user, report=report),
        lambda _report: (
            _("Påmindelsen er sendt til %(municipality)s.")
            % {"municipality": report.municipality.name}
        ),
    )
    return redirect(report.round)


@require_safe
def round_reminder_plan(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The round's automatic reminders; the round page loads it in place (htmx)."""
    round_ = _managed_round(request, slug)
    context = {"round": round_, "plan": reminder_plan(round_=round_, today=timezone.localdate())}
    if request.headers.get("HX-Request"):
        return render(request, "notifications/_round_reminder_plan.html", context)
    return render(request, "notifications/round_reminder_plan.html", context)


@require_POST
def round_reminders_switch(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    enabled = request.POST.get("automatisk") == "til"
    run_service(
        request,
        lambda: services.round_reminders_switch(actor=request.user, round_=round_, enabled=enabled),
        lambda on: (
            _("De automatiske påmindelser er slået til igen.")
            if on
            else _("De automatiske påmindelser er slået fra for runden. Der sendes ingen.")
        ),
    )
    return redirect(f"{round_.get_absolute_url()}#reminders-heading")


@require_safe
def tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    context = {
        "tasks": tasks_for(request.user),
        "meeting_tasks": meeting_tasks_for(request.user, today=timezone.localdate()),
        "is_coordinator": scope.is_coordinator,
        "is_secretariat": scope.is_secretariat,
        "tasks_url": reverse("notifications:tasks"),
    }
    return render(request, "notifications/tasks.html", context)

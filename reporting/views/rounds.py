"""Reporting rounds: the secretariat creates, opens, follows up and closes them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from commitments.models import Framework
from core.views import run_service, show_refusal
from reporting.forms.rounds import (
    ExtendDeadlineForm,
    RoundForm,
    SubmissionRuleForm,
    question_formset,
)
from reporting.models import Report, ReportingRound
from reporting.permissions import can_manage_round, can_review_report
from reporting.selectors import rounds as selectors
from reporting.selectors.history import round_history
from reporting.services import reports as report_services
from reporting.services import rounds as services


def _visible_round(request: HttpRequest, slug: str) -> ReportingRound:
    return get_object_or_404(
        ReportingRound.objects.visible_to(request.user).select_related("framework__kkr"),
        slug=slug,
    )


def _managed_round(request: HttpRequest, slug: str) -> ReportingRound:
    """A round the user may change: 404 if they cannot see it, 403 if they only read it."""
    round_ = _visible_round(request, slug)
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


def _both_valid(form, questions) -> bool:
    """Validate both, so that errors show in the round's fields and in the questions at once."""
    form_valid = form.is_valid()
    return questions.is_valid() and form_valid


def _can_create(user) -> bool:
    return Framework.objects.editable_by(user).filter(status=Framework.Status.ADOPTED).exists()


@require_safe
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rounds = list(selectors.rounds_for_list(user=request.user, today=timezone.localdate()))
    for round_ in rounds:
        round_.is_managed = can_manage_round(request.user, round_)
    context = {"rounds": rounds, "can_create": _can_create(request.user)}
    return render(request, "reporting/round_list.html", context)


def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _can_create(request.user):
        raise PermissionDenied
    form = RoundForm(request.POST or None, actor=request.user)
    questions = question_formset(
        request.POST or None, questions=services.DEFAULT_POLITICAL_QUESTIONS
    )
    if request.method == "POST" and _both_valid(form, questions):
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                actor=request.user,
                framework=data["framework"],
                title=data["title"],
                slug=data["slug"],
                opens_on=data["opens_on"],
                deadline=data["deadline"],
                introduction=data["introduction"],
                questions=questions.questions(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _(
                    "Runden “%(round)s” er oprettet som kladde. "
                    "Kommunerne får besked, når du åbner den."
                )
                % {"round": round_.title},
            )
            return redirect(round_)
    context = {"form": form, "questions": questions, "round": None}
    return render(request, "reporting/round_form.html", context)


def round_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    if round_.status == ReportingRound.Status.CLOSED:
        messages.error(request, _("En lukket runde kan ikke redigeres. Genåbn den først."))
        return redirect(round_)
    initial = {
        "title": round_.title,
        "opens_on": round_.opens_on,
        "deadline": round_.deadline,
        "introduction": round_.introduction,
    }
    form = RoundForm(request.POST or None, initial=initial, actor=request.user, instance=round_)
    existing = [q.text for q in round_.questions.all()]
    questions = question_formset(
        request.POST or None, questions=existing, kept=len(existing) if round_.is_open else 0
    )
    if request.method == "POST" and _both_valid(form, questions):
        data = form.cleaned_data
        try:
            services.round_update(
                actor=request.user,
                round_=round_,
                title=data["title"],
                opens_on=data.get("opens_on", round_.opens_on),
                deadline=data["deadline"],
                introduction=data["introduction"],
                questions=questions.questions(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Ændringerne i runden er gemt."))
            if round_.is_open and data["deadline"] != round_.deadline:
                messages.info(
                    request,
                    _("Kommuner, der ikke har indsendt, har fået en e-mail om den nye frist."),
                )
            return redirect(round_)
    context = {"form": form, "questions": questions, "round": round_}
    return render(request, "reporting/round_form.html", context)


@require_safe
def round_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _visible_round(request, slug)
    is_manager = can_manage_round(request.user, round_)
    context = {"round": round_, "questions": round_.questions.all(), "is_manager": is_manager}
    if is_manager:
        context["rule_form"] = SubmissionRuleForm(
            initial={
                "require_political_answers": round_.require_political_answers,
                "require_confirmed_lines": round_.require_confirmed_lines,
            }
        )
        state = request.GET.get("tilstand")
        context.update(
            follow_up=selectors.round_follow_up(round_=round_, state=state),
            states=selectors.FOLLOW_UP_STATES,
            current_state=state,
            history=round_history(round_),
        )
        return render(request, "reporting/round_detail.html", context)
    context.update(
        own_reports=selectors.own_reports(user=request.user, round_=round_),
        shared_counts=selectors.round_shared_counts(round_=round_),
    )
    return render(request, "reporting/round_detail.html", context)


@require_POST
def round_open(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    run_service(
        request,
        lambda: services.round_open(actor=request.user, round_=round_),
        lambda count: (
            ngettext(
                "Runden er åbnet. %(count)s kommune har fået en e-mail om afrapporteringen.",
                "Runden er åbnet. %(count)s kommuner har fået en e-mail om afrapporteringen.",
                count,
            )
            % {"count": count}
        ),
    )
    return redirect(round_)


@require_POST
def round_submission_rule(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    form = SubmissionRuleForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    run_service(
        request,
        lambda: services.round_set_submission_rule(
            actor=request.user, round_=round_, **form.cleaned_data
        ),
        lambda _round: _("Reglen for indsendelse er gemt."),
    )
    return redirect(round_)


@require_POST
def round_close(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    run_service(
        request,
        lambda: services.round_close(actor=request.user, round_=round_),
        lambda _round: _(
            "Runden er lukket. Kommunerne kan ikke længere redigere eller indsende rapporter."
        ),
    )
    return redirect(round_)


@require_POST
def round_reopen(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    run_service(
        request,
        lambda: services.round_reopen(actor=request.user, round_=round_),
        lambda _round: _("Runden er genåbnet. Kommunerne kan igen redigere og indsende."),
    )
    return redirect(round_)


def report_extend_deadline_form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _reviewable_report(request, pk)
    form = ExtendDeadlineForm(
        request.POST or None,
        initial={"deadline": report.deadline_override, "reason": report.deadline_override_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            extended = report_services.report_extend_deadline(
                actor=request.user,
                report=report,
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Fristen for %(municipality)s er forlænget til %(date)s.")
                % {
                    "municipality": report.municipality.name,
                    "date": formats.date_format(extended.deadline, "j. F Y"),
                },
            )
            return redirect(report.round)
    context = {"report": report, "round": report.round, "form": form}
    return render(request, "reporting/round_report_deadline.html", context)


def _publishing(request: HttpRequest, slug: str, action, done: str) -> HttpResponse:
    round_ = _managed_round(request, slug)
    run_service(request, lambda: action(actor=request.user, round_=round_), lambda _round: done)
    overview = reverse("dashboards:overview", args=[round_.framework.slug])
    return redirect(f"{overview}?runde={round_.slug}")


@require_POST
def round_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _publishing(
        request, slug, services.round_publish, _("Rundens godkendte resultater er nu offentlige.")
    )


@require_POST
def round_unpublish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _publishing(
        request,
        slug,
        services.round_unpublish,
        _("Rundens resultater er ikke længere offentlige."),
    )

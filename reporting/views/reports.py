"""A municipality's report: read, edit, submit; the secretariat's review of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.uploads import (
    ATTACHMENT_MAX_REQUEST_BYTES,
    AttachmentForm,
    attachment_too_large_message,
    declared_length,
)
from core.views import run_service, show_refusal
from reporting.forms.reports import (
    EntryForm,
    ReportEditForm,
    ReturnForm,
    pilot_choices_by_initiative,
)
from reporting.models import Attachment, Report, ReportEntry
from reporting.permissions import can_edit_report, can_review_report, can_see_report_history
from reporting.selectors.history import report_history
from reporting.selectors.pilots import pilot_projects_for_report
from reporting.selectors.reports import (
    POLITICAL_SECTION,
    ReportContents,
    entries_by_area,
    report_contents,
    report_for_page,
    submission_summary,
)
from reporting.services import attachments as attachment_services
from reporting.services import reports as services


def _find(queryset: QuerySet[Report], pk: int) -> Report:
    try:
        return report_for_page(queryset=queryset, pk=pk)
    except Report.DoesNotExist as missing:
        raise Http404 from missing


def _visible(request: HttpRequest, pk: int) -> Report:
    return _find(Report.objects.visible_to(request.user), pk)


def _check_editable(request: HttpRequest, report: Report) -> None:
    """A report the user sees but may not write answers 403."""
    if not can_edit_report(request.user, report):
        raise PermissionDenied(_("Rapporten kan ikke ændres."))


def _check_reviewable(request: HttpRequest, report: Report) -> None:
    if not can_review_report(request.user, report):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan behandle rapporten."))


# --- reading -------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, report: Report, **extra) -> dict:
    can_review = can_review_report(request.user, report)
    return {
        "report": report,
        "areas": entries_by_area(report),
        "can_edit": can_edit_report(request.user, report),
        "can_review": can_review,
        "can_see_history": can_see_report_history(request.user, report),
        "return_form": ReturnForm() if can_review else None,
        **extra,
    }


@require_safe
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _visible(request, pk)
    return render(request, "reporting/report_detail.html", _detail_context(request, report))


@require_safe
def report_history_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The history holds every draft value: only the KKR's secretariat and the municipality's
    # own coordinators read it; for everyone else the page does not exist.
    report = get_object_or_404(
        Report.objects.with_history_for(request.user).select_related(
            "round__framework", "municipality"
        ),
        pk=pk,
    )
    return render(
        request,
        "reporting/report_history.html",
        {"report": report, "rows": report_history(report)},
    )


# --- the edit form -------------------------------------------------------------------------


@dataclass
class _Block:
    title: str
    forms: list[EntryForm] = field(default_factory=list)


def _blocks(entry_forms: list[EntryForm]) -> list[_Block]:
    blocks: list[_Block] = []
    for form in entry_forms:
        if not blocks or blocks[-1].title != form.entry.block_title:
            blocks.append(_Block(form.entry.block_title))
        blocks[-1].forms.append(form)
    return blocks


def _contents(report: Report) -> ReportContents:
    return report_contents(report, political_title=_("Politisk behandling"))


def _section_key(request: HttpRequest, contents: ReportContents) -> str:
    """The section asked for (?omraade=), else the first with something left to do."""
    key = request.GET.get("omraade", "")
    if contents.section(key) is not None:
        return key
    following = contents.next_outstanding()
    return following[0].key if following else contents.sections[0].key


def _section_url(report: Report, section: str, anchor: str = "") -> str:
    url = reverse("reporting:report_edit", kwargs={"pk": report.pk})
    return f"{url}?{urlencode({'omraade': section})}{'#' + anchor if anchor else ''}"


def _build(report: Report, data=None, *, section: str) -> ReportEditForm:
    methods = report.round.framework.methods.order_by("name").values_list("pk", "name")
    return ReportEditForm.build(
        report,
        data,
        method_choices=list(methods),
        pilot_choices=pilot_choices_by_initiative(pilot_projects_for_report(report)),
        section=section,
    )


def _with_version(data, version: int):
    """The submitted data with the hidden version replaced, so the next save goes through."""
    data = data.copy()
    data["report-version"] = str(version)
    return data


def _render_edit(
    request: HttpRequest,
    report: Report,
    form: ReportEditForm,
    *,
    section: str,
    status: int = HTTPStatus.OK,
    **flags,
) -> HttpResponse:
    contents = _contents(report)
    current = contents.section(section)
    following = contents.next_outstanding(after=section)
    next_url = None
    if following is not None:
        next_section, line = following
        anchor = f"indsats-{line.entry.pk}" if line else "political-heading"
        next_url = _section_url(report, next_section.key, anchor)
    context = {
        "report": report,
        "form": form,
        "contents": contents,
        "section": current,
        "political": section == POLITICAL_SECTION,
        "blocks": _blocks(form.entry_forms),
        "states": {line.entry.pk: line.state for s in contents.sections for line in s.lines},
        "next_url": next_url,
        "error_links": form.error_links(),
        "attachment_form": AttachmentForm(),
        "saved": False,
        "conflict": False,
        **flags,
    }
    return render(request, "reporting/report_edit.html", context, status=status)


def _saved_flag(pk: int) -> str:
    return f"report-{pk}-saved"


def _confirmed_ids(request: HttpRequest, report: Report) -> frozenset[int]:
    """The carried-over lines the coordinator confirmed with this save: one, or all."""
    choice = request.POST.get("confirm", "")
    if choice == "all":
        return frozenset(e.pk for e in report.entries.all() if e.is_carried_over)
    return frozenset([int(choice)]) if choice.isdigit() else frozenset()


@require_http_methods(["GET", "HEAD", "POST"])
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _visible(request, pk)
    _check_editable(request, report)
    section = _section_key(request, _contents(report))
    if request.method != "POST":
        saved = request.session.pop(_saved_flag(pk), False)
        return _render_edit(
            request, report, _build(report, section=section), section=section, saved=saved
        )

    form = _build(report, request.POST, section=section)
    if not form.is_valid():
        return _render_edit(request, report, form, section=section)
    council_body, council_date = form.council(report)
    confirmed = _confirmed_ids(request, report)
    try:
        services.report_save(
            actor=request.user,
            report=report,
            expected_version=form.version,
            entries=form.entry_data(),
            answers=form.answers(),
            council_body=council_body,
            council_date=council_date,
            confirmed_entry_ids=confirmed,
        )
    except services.ReportConflict as conflict:
        # Keep what the user typed, show what the other person saved next to each field, and
        # take the current version so that saving again deliberately keeps the user's values.
        current = _find(Report.objects.all(), pk)
        form = _build(
            current, _with_version(request.POST, conflict.current_version), section=section
        )
        form.is_valid()
        form.compare_with_saved(_build(current, section=section))
        return _render_edit(
            request, current, form, section=section, status=HTTPStatus.CONFLICT, conflict=True
        )

    if request.POST.get("action") == "submit":
        return redirect("reporting:report_submit", pk=pk)
    request.session[_saved_flag(pk)] = True
    if len(confirmed) == 1:
        messages.success(request, _("Det overførte svar er bekræftet."))
        return redirect(_section_url(report, section, f"indsats-{next(iter(confirmed))}"))
    if confirmed:
        messages.success(
            request,
            ngettext(
                "%(count)s overført svar er bekræftet.",
                "%(count)s overførte svar er bekræftet.",
                len(confirmed),
            )
            % {"count": len(confirmed)},
        )
    else:
        messages.success(request, _("Kladden er gemt."))
    return redirect(_section_url(report, section))


@require_http_methods(["GET", "HEAD", "POST"])
def report_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The summary before submitting: what is still open, with links; then the confirmation."""
    report = _visible(request, pk)
    _check_editable(request, report)
    error = None
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            return redirect("reporting:report_submit", pk=pk)
        try:
            services.report_submit(actor=request.user, report=report, expected_version=version)
        except services.ReportConflict:
            messages.error(
                request,
                _("Rapporten er ændret, siden du så oversigten. Se den opdaterede oversigt."),
            )
            return redirect("reporting:report_submit", pk=pk)
        except ValidationError as refused:
            error = refused.messages[0]
            report = _find(Report.objects.all(), pk)
        else:
            messages.success(request, _("Rapporten er indsendt til KKR-sekretariatet."))
            return redirect(report)
    summary = submission_summary(report)
    for item in summary.items:
        item.url = _section_url(report, item.section, item.anchor)
    return render(
        request,
        "reporting/report_submit.html",
        {"report": report, "summary": summary, "error": error},
    )


# --- attachments ---------------------------------------------------------------------------


def _entry_anchor(report: Report, entry: ReportEntry) -> str:
    return _section_url(report, str(entry.area_number), f"indsats-{entry.pk}")


# CsrfViewMiddleware would read the whole body to find the token before the view runs, so
# the size is checked first, from Content-Length, and the CSRF check follows (csrf_protect).
@csrf_exempt
@require_POST
def report_attachment_upload(
    request: AuthenticatedHttpRequest, pk: int, entry_pk: int
) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("round"), pk=pk
    )
    entry = get_object_or_404(report.entries.all(), pk=entry_pk)
    _check_editable(request, report)
    if declared_length(request) > ATTACHMENT_MAX_REQUEST_BYTES:
        reason = {"reason": attachment_too_large_message()}
        messages.error(request, _("Filen blev ikke vedhæftet: %(reason)s") % reason)
        return redirect(_entry_anchor(report, entry))
    return _attachment_upload(request, report, entry)


@csrf_protect
def _attachment_upload(
    request: AuthenticatedHttpRequest, report: Report, entry: ReportEntry
) -> HttpResponse:
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for message in form.errors.get("file", []):
            reason = {"reason": message}
            messages.error(request, _("Filen blev ikke vedhæftet: %(reason)s") % reason)
        return redirect(_entry_anchor(report, entry))
    run_service(
        request,
        lambda: attachment_services.attachment_add(
            actor=request.user, entry=entry, upload=form.cleaned_data["file"]
        ),
        lambda attachment: (
            _("%(name)s er vedhæftet %(code)s.")
            % {"name": attachment.original_name, "code": entry.initiative_code}
        ),
    )
    return redirect(_entry_anchor(report, entry))


def _attachment(request: HttpRequest, pk: int, attachment_pk: int) -> Attachment:
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
    return get_object_or_404(
        Attachment.objects.select_related("entry__report__round"),
        pk=attachment_pk,
        entry__report=report,
    )


@require_POST
def report_attachment_delete(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    attachment = _attachment(request, pk, attachment_pk)
    report, entry = attachment.entry.report, attachment.entry
    _check_editable(request, report)
    attachment_services.attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("%(name)s er slettet.") % {"name": attachment.original_name})
    return redirect(_entry_anchor(report, entry))


@require_safe
def report_attachment_download(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> FileResponse:
    # Served through this view, never from MEDIA_URL, so that the report's scope applies.
    return _attachment(request, pk, attachment_pk).download()


# --- review --------------------------------------------------------------------------------


@require_POST
def report_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _visible(request, pk)
    _check_reviewable(request, report)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.report_return(
                actor=request.user, report=report, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                for message in error.messages:
                    messages.error(request, message)
                return redirect(report)
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Rapporten er sendt retur til %(municipality)s.")
                % {"municipality": report.municipality.name},
            )
            return redirect(report)
    context = _detail_context(request, report, return_form=form)
    return render(request, "reporting/report_detail.html", context)


@require_POST
def report_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _visible(request, pk)
    _check_reviewable(request, report)
    run_service(
        request,
        lambda: services.report_approve(actor=request.user, report=report),
        lambda _report: (
            _("Rapporten fra %(municipality)s er godkendt.")
            % {"municipality": report.municipality.name}
        ),
    )
    return redirect(report)

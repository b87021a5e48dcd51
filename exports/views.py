"""Files to download (Excel, CSV, open data) and the secretariat's bulk import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from commitments.models import Initiative
from core.views import run_service
from dashboards.filters import DashboardFilter
from exports import columns, permissions, selectors, services
from exports.forms import ImportUploadForm
from exports.models import ImportFile
from exports.spreadsheets import Sheet, csv_lines, write_workbook
from municipalities.models import Municipality
from reporting import permissions as report_permissions
from reporting.models import PoliticalAnswer, Report, ReportEntry, ReportingRound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.da"
SCHEMA = Path(__file__).resolve().parent / "open_data_schema.json"


def _xlsx_response(sheets: list[Sheet], filename: str) -> FileResponse:
    return FileResponse(
        write_workbook(sheets), as_attachment=True, filename=filename, content_type=XLSX
    )


def _csv_response(headers, rows, filename: str, **formats) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(headers, rows, **formats), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- a round, as on its dashboards --------------------------------------------------------


@dataclass
class RoundExport:
    round: ReportingRound
    filters: DashboardFilter
    reports: QuerySet[Report]

    @property
    def entries(self) -> QuerySet[ReportEntry]:
        return self.filters.qs.filter(report__in=self.reports).order_by(
            "report__municipality__name", "position"
        )


def _round_export(request: HttpRequest, slug: str) -> RoundExport:
    """The round and what the user's dashboards show of it: the same filters (area,
    municipalities, drafts for the KKR's secretariat) from the same query string."""
    round_ = get_object_or_404(
        selectors.exportable_rounds(request.user).select_related("framework__kkr"), slug=slug
    )
    filters = DashboardFilter(
        request.GET,
        page="export",
        framework=round_.framework,
        rounds=[round_],
        default_round=round_,
        may_include_drafts=report_permissions.may_include_drafts(
            request.user, round_.framework.kkr_id
        ),
    )
    reports = selectors.exportable_reports(
        user=request.user, include_drafts=filters.include_drafts
    ).filter(round=round_)
    codes = filters.value("kommune")
    if codes:
        reports = reports.filter(municipality__code__in=codes)
    return RoundExport(round=round_, filters=filters, reports=reports)


def _entries_sheet(rows, with_round: bool = False) -> Sheet:
    return Sheet(
        _("Indsatser"),
        columns.MUNICIPALITY_ENTRY_COLUMNS if with_round else columns.ENTRY_COLUMNS,
        rows,
    )


def _answers_sheet(answers: QuerySet[PoliticalAnswer]) -> Sheet:
    return Sheet(_("Politiske svar"), columns.ANSWER_COLUMNS, selectors.answer_rows(answers))


@login_not_required
@require_safe
def round_xlsx(request: HttpRequest, slug: str) -> FileResponse:
    """The round as a workbook: entries, political answers, pilot projects, submissions."""
    export = _round_export(request, slug)
    round_ = export.round
    answers = PoliticalAnswer.objects.filter(report__in=export.reports).order_by(
        "report__municipality__name", "question__number"
    )
    pilots = export.filters.filter_pilots(
        selectors.framework_pilots(user=request.user, framework=round_.framework)
    )
    follow_up = permissions.can_see_follow_up(request.user, round_)
    submissions = export.reports
    if follow_up:
        submissions = Report.objects.reviewable_by(request.user).filter(round=round_)
        codes = export.filters.value("kommune")
        if codes:
            submissions = submissions.filter(municipality__code__in=codes)
    sheets = [
        _entries_sheet(selectors.entry_rows(export.entries)),
        _answers_sheet(answers),
        Sheet(_("Pilotprojekter"), columns.PILOT_COLUMNS, selectors.pilot_rows(pilots)),
        Sheet(
            _("Indsendelse"),
            columns.FOLLOW_UP_COLUMNS if follow_up else columns.SUBMISSION_COLUMNS,
            selectors.submission_rows(submissions, follow_up=follow_up),
        ),
    ]
    return _xlsx_response(sheets, f"{round_.slug}.xlsx")


@login_not_required
@require_safe
def round_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The round's entries (the workbook's first sheet) as CSV for Danish Excel, streamed."""
    export = _round_export(request, slug)
    headers = [str(column.header) for column in columns.ENTRY_COLUMNS]
    return _csv_response(headers, selectors.entry_rows(export.entries), f"{export.round.slug}.csv")


# --- a municipality's own answers, every round ---------------------------------------------


def _municipality_export(request: HttpRequest, code: str) -> tuple[Municipality, QuerySet]:
    municipality = get_object_or_404(Municipality, code=code)
    include_drafts = report_permissions.may_include_drafts(
        request.user, municipality.kkr_id
    ) and request.GET.get("kladder") in ("1", "true", "on")
    reports = selectors.exportable_reports(user=request.user, include_drafts=include_drafts).filter(
        municipality=municipality, round__in=selectors.exportable_rounds(request.user)
    )
    return municipality, reports


def _municipality_filename(municipality: Municipality, extension: str) -> str:
    return f"{municipality.code}-{slugify(municipality.name)}-svar.{extension}"


def _municipality_entries(reports: QuerySet[Report]) -> QuerySet[ReportEntry]:
    return ReportEntry.objects.filter(report__in=reports).order_by(
        "report__round__framework__title", "report__round__opens_on", "position"
    )


@login_not_required
@require_safe
def municipality_xlsx(request: HttpRequest, code: str) -> FileResponse:
    """All a municipality's answers across every round, for its own council's follow-up."""
    municipality, reports = _municipality_export(request, code)
    answers = PoliticalAnswer.objects.filter(report__in=reports).order_by(
        "report__round__opens_on", "question__number"
    )
    pilots = selectors.municipality_pilots(user=request.user, municipality=municipality)
    sheets = [
        _entries_sheet(
            selectors.entry_rows(_municipality_entries(reports), with_round=True),
            with_round=True,
        ),
        _answers_sheet(answers),
        Sheet(_("Pilotprojekter"), columns.PILOT_COLUMNS, selectors.pilot_rows(pilots)),
    ]
    return _xlsx_response(sheets, _municipality_filename(municipality, "xlsx"))


@login_not_required
@require_safe
def municipality_csv(request: HttpRequest, code: str) -> StreamingHttpResponse:
    """A municipality's answers across every round as CSV for Danish Excel, streamed."""
    municipality, reports = _municipality_export(request, code)
    headers = [str(column.header) for column in columns.MUNICIPALITY_ENTRY_COLUMNS]
    rows = selectors.entry_rows(_municipality_entries(reports), with_round=True)
    return _csv_response(headers, rows, _municipality_filename(municipality, "csv"))


# --- open data -----------------------------------------------------------------------------


def _published_round(slug: str) -> ReportingRound:
    round_ = selectors.open_data_round(slug)
    if round_ is None:
        raise Http404
    return round_


_Response = TypeVar("_Response", bound=HttpResponseBase)


def _open_data_headers(response: _Response, round_: ReportingRound) -> _Response:
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    response["X-License"] = LICENCE
    if round_.published_at is not None:  # an open-data round is always published
        response["Last-Modified"] = http_date(round_.published_at.timestamp())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_safe
def open_data_list(request: HttpRequest) -> HttpResponse:
    """The published rounds' open data, with the licence and the schema."""
    context = {
        "rounds": selectors.open_data_rounds(),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
    }
    return render(request, "exports/open_data_list.html", context)


@login_not_required
@require_safe
def open_data_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """A published round's approved results as CSV (semicolons, UTF-8 with BOM, ISO dates)."""
    round_ = _published_round(slug)
    with translation.override("da"):
        rows = [
            ["; ".join(value) if isinstance(value, list) else value for value in row.values()]
            for row in selectors.open_data_rows(round_)
        ]
    response = _csv_response(
        selectors.OPEN_DATA_FIELDS,
        rows,
        f"{round_.slug}-aabne-data.csv",
        dates="%Y-%m-%d",
        datetimes="%Y-%m-%dT%H:%M",
    )
    return _open_data_headers(response, round_)


@login_not_required
@require_safe
def open_data_json(request: HttpRequest, slug: str) -> JsonResponse:
    """A published round's approved results as JSON, described by the schema."""
    round_ = _published_round(slug)
    with translation.override("da"):
        rows = list(selectors.open_data_rows(round_))
    data = {
        "skema": request.build_absolute_uri(reverse("exports:open_data_schema")),
        "licens": {"navn": LICENCE, "url": LICENCE_URL},
        "kilde": request.build_absolute_uri(reverse("exports:open_data_list")),
        "offentliggjort": timezone.localtime(round_.published_at).isoformat(),
        "kkr": round_.framework.kkr.name,
        "rammepapir": round_.framework.title,
        "runde": {
            "titel": round_.title,
            "kortnavn": round_.slug,
            "aabnede": round_.opens_on,
            "frist": round_.deadline,
        },
        "indsatser": rows,
    }
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )
    return _open_data_headers(response, round_)


@login_not_required
@require_safe
def open_data_schema(request: HttpRequest) -> HttpResponse:
    """The JSON Schema of the open data (docs/open-data.md)."""
    return HttpResponse(SCHEMA.read_bytes(), content_type="application/schema+json")


# --- bulk import ---------------------------------------------------------------------------


def _importable_round(request: HttpRequest, slug: str) -> ReportingRound:
    """A round the user may load answers into: 404 if not visible, 403 if only readable."""
    round_ = get_object_or_404(
        ReportingRound.objects.visible_to(request.user).select_related("framework__kkr"),
        slug=slug,
    )
    if not permissions.can_import(request.user, round_):
        raise PermissionDenied
    return round_


def _import_file(request: HttpRequest, pk: int) -> ImportFile:
    stored = get_object_or_404(
        ImportFile.objects.visible_to(request.user).select_related("round__framework__kkr", "job"),
        pk=pk,
    )
    if not permissions.can_import(request.user, stored.round):
        raise PermissionDenied
    return stored


@require_safe
def import_template(request: HttpRequest, slug: str) -> FileResponse:
    """A workbook with the import's columns and two example rows from the round."""
    round_ = _importable_round(request, slug)
    examples = list(
        ReportEntry.objects.filter(report__round=round_, initiative_kind=Initiative.Kind.MANDATORY)
        .order_by("report__municipality__name", "position")
        .values_list(
            "report__municipality__code",
            "report__municipality__name",
            "initiative_code",
            "initiative_title",
        )[:2]
    )
    texts = [
        _("Kommunen har nedsat en tværfaglig styregruppe og kortlagt de eksisterende tilbud."),
        _("Indsatsen er implementeret i alle distrikter og følges op hvert kvartal."),
    ]
    rows = [
        [m_code, m_name, i_code, i_title, level, None, text, None]
        for (m_code, m_name, i_code, i_title), level, text in zip(
            examples, (2, 3), texts, strict=False
        )
    ]
    sheet = Sheet(_("Indsatser"), columns.TEMPLATE_COLUMNS, rows)
    return _xlsx_response([sheet], f"import-{round_.slug}.xlsx")


def import_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Upload a file of answers; a readable file goes on to its dry run."""
    round_ = _importable_round(request, slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.import_file_store(
                actor=request.user,
                round_=round_,
                upload=form.cleaned_data["file"],
                overwrite_approved=form.cleaned_data["overwrite_approved"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            return redirect(stored)
    context = {"round": round_, "form": form}
    return render(request, "exports/import_upload.html", context)


@require_safe
def import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The dry run: every row's outcome; nothing is written until confirmed. While the
    confirmation's job runs, its progress instead; a refused one's message above the new
    dry run."""
    stored = _import_file(request, pk)
    preview, problems = None, []
    if stored.status == ImportFile.Status.PREVIEWED and not stored.is_importing:
        try:
            preview = services.import_file_preview(stored)
        except ValidationError as error:
            problems = error.messages
    context = {"stored": stored, "round": stored.round, "preview": preview, "problems": problems}
    return render(request, "exports/import_preview.html", context)


@require_safe
def import_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The confirmation's progress, polled by the file's page; once finished, its outcome."""
    stored = _import_file(request, pk)
    if stored.job is None:
        raise Http404
    return render(request, "exports/_import_status.html", {"stored": stored, "job": stored.job})


@require_POST
def import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stored = _import_file(request, pk)
    run_service(
        request,
        lambda: services.import_file_confirm(
            actor=request.user, stored=stored, digest=request.POST.get("digest", "")
        ),
        lambda _job: _("Importen er startet. Siden viser, hvor langt den er nået."),
    )
    return redirect(stored)


@require_POST
def import_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stored = _import_file(request, pk)
    round_ = stored.round
    done = run_service(
        request,
        lambda: services.import_file_discard(actor=request.user, stored=stored),
        lambda _result: (
            _("Filen %(file)s er kasseret. Intet er importeret.") % {"file": stored.original_name}
        ),
    )
    if done is None:
        return redirect(stored)
    return redirect(reverse("exports:import_upload", args=[round_.slug]))

"""The secretariat's bulk import: reading files, the dry run, and the atomic confirmation."""

import io
import zipfile
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_celery_results.models import TaskResult
from openpyxl import Workbook, load_workbook

from accounts.services import memberships_changed
from exports import services
from exports.importing import plan_import, read_table
from exports.models import ImportFile
from jobs.models import Job
from jobs.tasks import run_job
from reporting.models import Report, ReportEntry, ReportEvent

pytestmark = pytest.mark.django_db

HEADER = ["Kommunekode", "Indsatskode", "Status (0-4)", "Sådan arbejder kommunen"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def csv_bytes(rows, *, separator=";", encoding="utf-8-sig") -> bytes:
    lines = [separator.join(str(v) for v in row) for row in rows]
    return "\r\n".join(lines).encode(encoding)


def xlsx_bytes(rows, *, build=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Indsatser"
    for row in rows:
        sheet.append(row)
    if build:
        build(sheet)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def problems(name, data) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        read_table(name, data)
    return refused.value.messages


def entry(round_, code, initiative="1.F1") -> ReportEntry:
    return ReportEntry.objects.get(
        report__round=round_, report__municipality__code=code, initiative_code=initiative
    )


# --- reading files ------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [";", ","])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_every_dialect_danish_excel_saves(separator, encoding):
    data = csv_bytes(
        [HEADER, ["101", "1.F1", "3", "Åben Dialog på tværs af forvaltninger"]],
        separator=separator,
        encoding=encoding,
    )

    table = read_table("svar.csv", data)

    assert table.rows == [
        (
            2,
            {
                "municipality_code": "101",
                "initiative_code": "1.F1",
                "level": "3",
                "narrative": "Åben Dialog på tværs af forvaltninger",
            },
        )
    ]


def test_xlsx_rows_come_from_the_entries_sheet():
    data = xlsx_bytes([HEADER, [101, "1.F1", 3, "Tekst"], [None, None, None, None]])

    table = read_table("svar.xlsx", data)

    assert table.rows == [
        (2, {"municipality_code": 101, "initiative_code": "1.F1", "level": 3, "narrative": "Tekst"})
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("svar.csv", b"", "Filen er tom."),
        ("svar.csv", b"\r\n;;\r\n", "Filen er tom."),
        ("svar.xlsx", b"", "Filen er tom."),
        (
            "svar.csv",
            b"Kommunekode;Indsatskode;Status (0-4)\r\n",
            "Filen har ingen rækker under overskrifterne.",
        ),
        (
            "svar.csv",
            "Kommunekode;Status\r\n101;2".encode("utf-16"),
            "Filen er ikke gemt som UTF-8 eller Windows-1252 (den ligner UTF-16, »Unicode-tekst«). "
            "Gem den i Excel som »CSV UTF-8 (kommasepareret)«, og prøv igen.",
        ),
        (
            "svar.csv",
            b"Kommunekode;Indsatskode;Status\r\n101;1.F1;\x81\x8d",
            "Filen kan ikke læses: tegnene er hverken UTF-8 eller Windows-1252. Gem den i Excel "
            "som »CSV UTF-8 (kommasepareret)« eller som Excel-projektmappe (.xlsx).",
        ),
        ("svar.xls", b"x", "Vælg en CSV-fil eller en Excel-projektmappe (.xlsx), ikke »svar.xls«."),
        (
            "svar.xlsx",
            b"Kommunekode;Indsatskode",
            "Filen er ikke en gyldig Excel-projektmappe (.xlsx). Gem den igen fra Excel.",
        ),
        ("svar.csv", b"x" * (5 * 1024 * 1024 + 1), "Filen er større end 5 MB."),
    ],
)
def test_unreadable_files_are_refused_in_danish(name, data, message):
    assert problems(name, data) == [message]


def test_missing_and_misspelled_columns_get_the_nearest_name():
    data = csv_bytes(
        [["Kommunekode", "Indsatskod", "Statuss (0-4)", "Farve"], ["101", "1", "2", "x"]]
    )

    assert problems("svar.csv", data) == [
        "Kolonnen »Indsatskod« kendes ikke. Mente du »Indsatskode«?",
        "Kolonnen »Statuss (0-4)« kendes ikke. Mente du »Status (0-4)«?",
        "Kolonnen »Farve« kendes ikke. Importen læser: Kommunekode, Indsatskode, Status (0-4), "
        "Status, Deltagelse, Sådan arbejder kommunen, Næste skridt.",
        "Kolonnen »Indsatskode« mangler.",
        "Filen har ingen kolonne med svar. Tilføj mindst én af: Status (0-4), Status, "
        "Deltagelse, Sådan arbejder kommunen, Næste skridt.",
    ]


def test_the_exports_other_columns_are_accepted_and_ignored():
    data = csv_bytes(
        [["KKR", "Kommune", *HEADER, "Rapportstatus"], ["X", "Y", "101", "1.F1", "2", "", "Z"]]
    )

    table = read_table("svar.csv", data)

    assert table.rows[0][1]["level"] == "2"
    assert "municipality" not in table.rows[0][1]


def test_merged_cells_and_formulas_are_refused():
    def build(sheet):
        sheet.merge_cells("A3:B3")
        sheet["C2"] = "=1+2"

    data = xlsx_bytes([HEADER, ["101", "1.F1", 2, "Tekst"], ["147", "1.F1", 2, ""]], build=build)

    assert problems("svar.xlsx", data) == [
        "Arket »Indsatser« har flettede celler (A3:B3). Ophæv fletningen, og prøv igen.",
        "Cellen C2 indeholder en formel. Importen læser kun værdier: kopiér cellerne, og "
        "indsæt dem som værdier.",
    ]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    data = output.getvalue()
    assert len(data) < 5 * 1024 * 1024

    assert problems("svar.xlsx", data) == [
        "Filen fylder over 50 MB, når den pakkes ud, og bliver ikke åbnet. En almindelig "
        "regnearksfil med svar fylder langt mindre."
    ]


def test_a_csv_with_100000_rows_is_refused():
    rows = [HEADER, *(["101", "1.F1", "2", ""] for _ in range(100_000))]

    assert problems("svar.csv", csv_bytes(rows)) == [
        "Filen har mere end 10.000 rækker. Del den op, eller importér én runde ad gangen."
    ]


# --- the dry run --------------------------------------------------------------------------


def plan(round_, rows, *, overwrite_approved=False):
    return plan_import(
        round_=round_,
        table=read_table("svar.csv", csv_bytes(rows)),
        overwrite_approved=overwrite_approved,
    )


def test_every_row_gets_its_outcome(open_round):
    ReportEntry.objects.filter(pk=entry(open_round, "147").pk).update(status=1, narrative="Før")
    ReportEntry.objects.filter(pk=entry(open_round, "151").pk).update(status=2)

    preview = plan(
        open_round,
        [
            [*HEADER, "Deltagelse"],
            ["101", "1.F1", "3", "Ny tekst", ""],
            ["147", "1.F1", "4", "", ""],
            ["151", "1.F1", "2", "", ""],
            ["101", "2.P2", "", "", "Tovholder"],
        ],
    )

    outcomes = [(r.number, r.outcome) for r in preview.rows]
    assert outcomes == [(2, "new"), (3, "changed"), (4, "unchanged"), (5, "new")]
    changed = preview.rows[1]
    assert [(c.field, c.old, c.new) for c in changed.changes] == [
        ("Status (0-4)", "1 – Planlagt", "4 – Forankret i drift")
    ]
    assert preview.rows[0].values == {"status": 3, "narrative": "Ny tekst"}
    assert preview.rows[3].values == {"participation": "lead"}
    assert preview.can_confirm


def test_errors_are_precise_by_row_and_column(open_round):
    Report.objects.filter(round=open_round, municipality__code="157").update(status="approved")

    preview = plan(
        open_round,
        [
            HEADER,
            ["999", "1.F1", "2", ""],
            ["751", "1.F1", "2", ""],
            ["101", "9.F9", "2", ""],
            ["101", "1.F1", "7", ""],
            ["147", "1.F1", "2", ""],
            ["147", "1.F1", "3", ""],
            ["157", "1.F1", "2", ""],
            ["101", "2.P2", "2", ""],
            ["", "", "2", ""],
        ],
    )

    errors = [(r.number, r.errors) for r in preview.errors]
    assert errors == [
        (2, [("Kommunekode", "Der findes ingen kommune med koden »999«.")]),
        (3, [("Kommunekode", "Aarhus (751) hører til KKR Midtjylland, ikke KKR Hovedstaden.")]),
        (4, [("Indsatskode", "Runden har ingen indsats med koden »9.F9«.")]),
        (5, [("Status (0-4)", "Status skal være et helt tal fra 0 til 4, ikke »7«.")]),
        (7, [("Indsatskode", "Samme kommune og indsats står allerede i række 6.")]),
        (
            8,
            [
                (
                    "Kommunekode",
                    "Rapporten fra Gentofte er godkendt. Vælg »Overskriv godkendte rapporter«, "
                    "hvis den skal ændres.",
                )
            ],
        ),
        (
            9,
            [
                (
                    "Status (0-4)",
                    "Indsatsen er en pilotindsats: angiv kommunens deltagelse i kolonnen "
                    "Deltagelse, ikke en status.",
                )
            ],
        ),
        (
            10,
            [("Kommunekode", "Kommunekoden mangler."), ("Indsatskode", "Indsatskoden mangler.")],
        ),
    ]
    assert not preview.can_confirm


def test_approved_reports_are_planned_when_the_secretariat_says_so(open_round):
    Report.objects.filter(round=open_round, municipality__code="157").update(status="approved")

    preview = plan(open_round, [HEADER, ["157", "1.F1", "2", ""]], overwrite_approved=True)

    assert preview.rows[0].outcome == "new"
    assert preview.rows[0].overwrites_approved


def test_labels_are_read_in_danish_and_must_agree_with_the_number(open_round):
    preview = plan(
        open_round,
        [
            ["Kommunekode", "Indsatskode", "Status (0-4)", "Status"],
            ["101", "1.F1", "", "i gang"],
            ["147", "1.F1", "3", "Planlagt"],
            ["151", "1.F1", "", "Færdig"],
        ],
    )

    assert preview.rows[0].values == {"status": 2}
    assert preview.rows[1].errors == [
        ("Status", "Status (0-4) er 3, men Status er »Planlagt«. Ret den ene.")
    ]
    assert preview.rows[2].errors[0][1].startswith("»Færdig« er ikke en status. Brug: Ikke")


# --- storing, confirming, discarding ------------------------------------------------------


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def store(round_, actor, rows, *, overwrite_approved=False, name="svar fra mail.csv"):
    return services.import_file_store(
        actor=actor,
        round_=round_,
        upload=upload(name, csv_bytes(rows)),
        overwrite_approved=overwrite_approved,
    )


def confirm(actor, stored, digest, capture) -> Job:
    """Confirm as the page does; without a broker the job runs right after the commit."""
    with capture(execute=True):
        job = services.import_file_confirm(actor=actor, stored=stored, digest=digest)
    job.refresh_from_db()
    stored.refresh_from_db()
    return job


def test_confirmed_import_writes_through_the_reporting_services(
    open_round, secretariat, django_capture_on_commit_callbacks
):
    report = Report.objects.get(round=open_round, municipality__code="147")
    version, results_version = report.version, open_round.results_version
    stored = store(open_round, secretariat, [HEADER, ["147", "1.F1", "3", "Fra e-mail"]])
    preview = services.import_file_preview(stored)

    job = confirm(secretariat, stored, preview.digest, django_capture_on_commit_callbacks)

    assert (job.kind, job.status, job.attempts) == ("exports.import", Job.Status.DONE, 1)
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.created_by == secretariat
    assert stored.job == job
    written = entry(open_round, "147")
    assert (written.status, written.narrative) == (3, "Fra e-mail")
    report.refresh_from_db()
    open_round.refresh_from_db()
    assert report.version == version + 1
    assert report.status == Report.Status.DRAFT
    assert open_round.results_version == results_version + 1
    event = report.events.get(action=ReportEvent.Action.IMPORTED)
    assert (event.actor, event.comment) == (secretariat, "svar fra mail.csv")
    record = written.history.latest()
    assert record.history_change_reason == "Import fra svar fra mail.csv"
    assert record.history_user == secretariat
    assert (stored.status, stored.imported_count) == (ImportFile.Status.IMPORTED, 1)


def test_the_job_reports_its_steps_while_it_runs(open_round, secretariat, monkeypatch):
    stored = store(
        open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""], ["147", "1.F1", "2", ""]]
    )
    digest = services.import_file_preview(stored).digest
    steps = []

    services.import_file_apply(
        actor=secretariat,
        stored=stored,
        digest=digest,
        progress=lambda done, total, message: steps.append((done, total, message)),
    )

    assert steps == [
        (0, 3, "Læser filen."),
        (1, 3, "Sammenligner rækkerne med rapporterne."),
        (2, 3, "Skriver 2 svar i rapporterne."),
    ]


def _import_records(open_round) -> int:
    return ReportEntry.history.filter(
        report__round=open_round, history_change_reason__startswith="Import fra"
    ).count()


def test_running_the_job_again_after_a_success_writes_nothing_twice(
    open_round, secretariat, django_capture_on_commit_callbacks
):
    stored = store(open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""]])
    job = confirm(
        secretariat,
        stored,
        services.import_file_preview(stored).digest,
        django_capture_on_commit_callbacks,
    )
    report = Report.objects.get(round=open_round, municipality__code="101")
    # A redelivered message after the job's success was lost: the job is run once more.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, finished_at=None)

    run_job.delay(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert _import_records(open_round) == 1
    assert Report.objects.get(pk=report.pk).version == report.version
    assert ReportEvent.objects.filter(action=ReportEvent.Action.IMPORTED).count() == 1


def test_a_failure_halfway_writes_nothing_and_the_retry_imports_once(
    open_round, secretariat, django_capture_on_commit_callbacks, monkeypatch
):
    from reporting.services import imports as reporting_imports

    stored = store(
        open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""], ["147", "1.F1", "2", ""]]
    )
    digest = services.import_file_preview(stored).digest
    real = reporting_imports.results_changed
    calls = []

    def drop_the_first(**kwargs):
        # Every entry and report is written by now: the first try fails at its very end.
        calls.append(kwargs)
        if len(calls) == 1:
            raise ConnectionError("forbindelsen til databasen blev afbrudt")
        return real(**kwargs)

    monkeypatch.setattr(reporting_imports, "results_changed", drop_the_first)

    job = confirm(secretariat, stored, digest, django_capture_on_commit_callbacks)

    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert (entry(open_round, "101").status, entry(open_round, "147").status) == (3, 2)
    assert _import_records(open_round) == 2
    assert ReportEvent.objects.filter(action=ReportEvent.Action.IMPORTED).count() == 2
    assert (stored.status, stored.imported_count) == (ImportFile.Status.IMPORTED, 2)


def test_a_change_since_the_preview_fails_the_job_at_once_and_writes_nothing(
    open_round, secretariat, django_capture_on_commit_callbacks
):
    stored = store(
        open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""], ["147", "1.F1", "3", ""]]
    )
    preview = services.import_file_preview(stored)
    ReportEntry.objects.filter(pk=entry(open_round, "147").pk).update(status=1)

    job = confirm(secretariat, stored, preview.digest, django_capture_on_commit_callbacks)

    assert (job.status, job.attempts) == (Job.Status.FAILED, 1)
    assert job.message == (
        "Rapporterne er ændret, siden du så forhåndsvisningen. "
        "Se den opdaterede forhåndsvisning, før du bekræfter."
    )
    assert entry(open_round, "101").status is None
    assert not ReportEvent.objects.filter(action=ReportEvent.Action.IMPORTED).exists()
    assert stored.status == ImportFile.Status.PREVIEWED
    assert not TaskResult.objects.exists()  # a refusal, not an error for administrators


def test_a_report_approved_since_the_preview_fails_the_job_with_the_row(
    open_round, secretariat, django_capture_on_commit_callbacks
):
    stored = store(open_round, secretariat, [HEADER, ["157", "1.F1", "3", ""]])
    preview = services.import_file_preview(stored)
    Report.objects.filter(round=open_round, municipality__code="157").update(status="approved")

    job = confirm(secretariat, stored, preview.digest, django_capture_on_commit_callbacks)

    assert (job.status, job.attempts) == (Job.Status.FAILED, 1)
    assert job.message == (
        "Filen kan ikke importeres, som rapporterne er nu. Række 2: Rapporten fra Gentofte er "
        "godkendt. Vælg »Overskriv godkendte rapporter«, hvis den skal ændres. "
        "Se den opdaterede forhåndsvisning."
    )
    assert entry(open_round, "157").status is None


def test_a_secretariat_that_lost_its_role_meanwhile_fails_the_job(
    open_round, secretariat, django_capture_on_commit_callbacks
):
    stored = store(open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""]])
    preview = services.import_file_preview(stored)
    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_file_confirm(actor=secretariat, stored=stored, digest=preview.digest)
    # Before the worker gets to the job; as every service that writes memberships does.
    secretariat.memberships.all().delete()
    memberships_changed(user_id=secretariat.pk)

    run_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 1)
    assert job.message == "Kun KKR'ets sekretariat kan importere svar i runden."
    assert entry(open_round, "101").status is None


def test_a_file_is_confirmed_once_at_a_time_and_not_discarded_meanwhile(
    open_round, secretariat, django_capture_on_commit_callbacks
):
    stored = store(open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""]])
    digest = services.import_file_preview(stored).digest
    with django_capture_on_commit_callbacks(execute=False):
        services.import_file_confirm(actor=secretariat, stored=stored, digest=digest)

    with pytest.raises(ValidationError) as twice:
        services.import_file_confirm(actor=secretariat, stored=stored, digest=digest)
    with pytest.raises(ValidationError) as discarded:
        services.import_file_discard(actor=secretariat, stored=stored)

    assert twice.value.messages == [
        "Filen er allerede ved at blive importeret. Siden viser, hvor langt importen er."
    ]
    assert discarded.value.messages == [
        "Filen er ved at blive importeret og kan ikke kasseres, før importen er færdig."
    ]
    assert Job.objects.count() == 1


def test_the_reporting_service_refuses_stale_entries_and_writes_nothing(open_round, secretariat):
    from reporting.services.imports import ImportedEntry, report_import_entries

    first, second = entry(open_round, "101"), entry(open_round, "147")

    with pytest.raises(ValidationError):
        report_import_entries(
            actor=secretariat,
            round_=open_round,
            entries=[
                ImportedEntry(first.pk, {"status": 3}, {"status": None}),
                ImportedEntry(second.pk, {"status": 3}, {"status": 2}),
            ],
            file_name="svar.csv",
            overwrite_approved=False,
        )

    assert entry(open_round, "101").status is None


def test_approved_reports_need_the_tick_in_the_service_too(open_round, secretariat):
    from reporting.services.imports import ImportedEntry, report_import_entries

    Report.objects.filter(round=open_round, municipality__code="157").update(status="approved")
    target = entry(open_round, "157")

    with pytest.raises(ValidationError) as refused:
        report_import_entries(
            actor=secretariat,
            round_=open_round,
            entries=[ImportedEntry(target.pk, {"status": 3}, {"status": None})],
            file_name="svar.csv",
            overwrite_approved=False,
        )

    assert refused.value.messages == [
        "Godkendte rapporter ændres kun, når du har valgt at overskrive dem: Gentofte."
    ]


@pytest.mark.parametrize("role", ["coordinator", "politician", "foreign_secretariat"])
def test_only_the_round_secretariat_imports(role, open_round, secretariat, request):
    stored = store(open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""]])
    preview = services.import_file_preview(stored)

    with pytest.raises(PermissionDenied):
        services.import_file_confirm(
            actor=request.getfixturevalue(role), stored=stored, digest=preview.digest
        )

    assert entry(open_round, "101").status is None
    assert not Job.objects.exists()


def test_an_unreadable_file_is_not_kept(open_round, secretariat):
    with pytest.raises(ValidationError):
        services.import_file_store(
            actor=secretariat,
            round_=open_round,
            upload=upload("svar.csv", b""),
            overwrite_approved=False,
        )

    assert not ImportFile.objects.exists()


def test_a_file_changed_on_disk_is_refused(open_round, secretariat):
    stored = store(open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""]])
    with stored.file.open("wb") as handle:
        handle.write(csv_bytes([HEADER, ["101", "1.F1", "4", ""]]))

    with pytest.raises(ValidationError) as refused:
        services.import_file_preview(stored)

    assert refused.value.messages == [
        "Den gemte fil er ændret siden indlæsningen. Indlæs filen igen."
    ]


# --- the pages ----------------------------------------------------------------------------


def test_template_has_the_columns_and_two_example_rows(open_round, secretariat, client):
    client.force_login(secretariat)

    response = client.get(reverse("exports:import_template", args=[open_round.slug]))

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["Indsatser"].iter_rows(values_only=True))
    assert rows[0] == (
        "Kommunekode",
        "Kommune",
        "Indsatskode",
        "Indsats",
        "Status (0-4)",
        "Deltagelse",
        "Sådan arbejder kommunen",
        "Næste skridt",
    )
    assert len(rows) == 3
    assert rows[1][:3] == ("165", "Albertslund", "1.F1")


def test_upload_preview_confirm_in_the_browser_flow(
    open_round, secretariat, client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("exports:import_upload", args=[open_round.slug])

    bad = client.post(url, {"file": upload("svar.csv", b"Kommune;Farve\r\n101;2")})
    assert bad.status_code == HTTPStatus.OK
    assert "Kolonnen »Farve« kendes ikke." in bad.text
    assert not ImportFile.objects.exists()

    response = client.post(
        url, {"file": upload("svar.csv", csv_bytes([HEADER, ["101", "1.F1", "3", "Tekst"]]))}
    )
    stored = ImportFile.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == stored.get_absolute_url()

    # session, user (the memberships are in memory since the upload page); the file, its round
    # and job; municipalities; the entries
    with django_assert_num_queries(5):
        preview = client.get(stored.get_absolute_url())
    assert preview.status_code == HTTPStatus.OK
    assert "1 nyt svar" in preview.text
    assert "Status (0-4): – → 3 – Implementeret" in preview.text
    assert entry(open_round, "101").status is None
    digest = preview.context["preview"].digest

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("exports:import_confirm", args=[stored.pk]), {"digest": digest})

    assert done.status_code == HTTPStatus.FOUND
    assert done.url == stored.get_absolute_url()
    assert entry(open_round, "101").status == 3
    page = client.get(done.url)
    assert "Importen er startet. Siden viser, hvor langt den er nået." in page.text
    assert "Filen blev importeret" in page.text
    status = client.get(reverse("exports:import_status", args=[stored.pk])).text
    assert "1 svar fra svar.csv er importeret." in status
    assert f'href="{open_round.get_absolute_url()}"' in status
    assert "hx-trigger" not in status


def test_the_page_polls_the_import_while_its_job_runs(open_round, secretariat, client):
    client.force_login(secretariat)
    stored = store(open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""]])
    stored.job = Job.objects.create(
        kind="exports.import",
        created_by=secretariat,
        status=Job.Status.RUNNING,
        progress_done=1,
        progress_total=3,
        message="Sammenligner rækkerne med rapporterne.",
    )
    stored.save()
    status_url = reverse("exports:import_status", args=[stored.pk])

    page = client.get(stored.get_absolute_url())
    partial = client.get(status_url)

    for response in (page, partial):
        assert f'data-hx-get="{status_url}" data-hx-trigger="every 1s"' in response.text
        assert "Jobbet kører. Sammenligner rækkerne med rapporterne." in response.text
        assert "1 af 3 trin (33 %)" in response.text
    assert "<script" not in partial.text
    assert page.context["preview"] is None  # no dry run while the import runs
    assert "Importér" not in page.text


def test_a_refused_import_shows_its_message_on_the_page(
    open_round, secretariat, client, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    stored = store(open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""]])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:import_confirm", args=[stored.pk]), {"digest": "gammel"}
        )
    status = client.get(reverse("exports:import_status", args=[stored.pk])).text
    page = client.get(response.url).text

    stale = "Rapporterne er ændret, siden du så forhåndsvisningen."
    for text in (status, page):
        assert "Importen blev ikke gennemført. Intet er ændret i rapporterne." in text
        assert stale in text
    assert "Se den opdaterede forhåndsvisning</a>" in status
    assert "Importér 1 svar" in page  # the new dry run, to confirm again
    assert entry(open_round, "101").status is None


def test_a_file_without_a_confirmation_has_no_status(open_round, secretariat, client):
    client.force_login(secretariat)
    stored = store(open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""]])

    response = client.get(reverse("exports:import_status", args=[stored.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_discarding_removes_the_file(
    open_round, secretariat, client, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    stored = store(open_round, secretariat, [HEADER, ["101", "1.F1", "3", ""]])
    path = stored.file.path

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:import_discard", args=[stored.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert not ImportFile.objects.exists()
    assert not Path(path).exists()

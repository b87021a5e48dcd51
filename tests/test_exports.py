"""Excel and CSV files of a round and of a municipality: exactly what the user may see."""

import csv
import datetime
import io
import json
from http import HTTPStatus
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from commitments.models import Initiative
from municipalities.models import Municipality
from reporting.models import PoliticalAnswer, Report, ReportEntry, ReportEvent
from reporting.services import rounds as round_services
from tests.factories import PilotParticipationFactory, PilotProjectFactory, ReportingRoundFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "coordinator",
    "other_coordinator",
    "foreign_coordinator",
    "politician",
    "secretariat",
    "foreign_secretariat",
    "superuser",
]
DRAFT, SUBMITTED, RETURNED, APPROVED = "101", "147", "151", "157"
SHARED = {SUBMITTED, APPROVED}
# Municipalities in each role's file of the open round (København coordinates own_municipality).
EXPECTED = {
    "coordinator": SHARED | {DRAFT},
    "other_coordinator": SHARED,
    "foreign_coordinator": SHARED,
    "politician": SHARED,
    "secretariat": SHARED,
    "foreign_secretariat": SHARED,
    "superuser": SHARED,
}


def _client_for(role, request, client):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def workbook(response):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(_content(response)))


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == HTTPStatus.OK
    raw = _content(response)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def codes_in(sheet, column="Kommunekode") -> set[str]:
    rows = list(sheet.iter_rows(values_only=True))
    index = rows[0].index(column)
    return {row[index] for row in rows[1:]}


@pytest.fixture
def states(open_round):
    """København's draft, Frederiksberg submitted, Ballerup returned, Gentofte approved;
    every other municipality has a draft nobody started."""
    now = timezone.now()
    reports = {r.municipality.code: r for r in open_round.reports.select_related("municipality")}
    for code, status in [(SUBMITTED, "submitted"), (RETURNED, "returned"), (APPROVED, "approved")]:
        Report.objects.filter(pk=reports[code].pk).update(
            status=status, submitted_at=now, reviewed_at=now if status == "approved" else None
        )
    ReportEntry.objects.filter(report__round=open_round).update(status=2, narrative="")
    for code in (DRAFT, SUBMITTED, RETURNED, APPROVED):
        ReportEntry.objects.filter(report=reports[code], initiative_code="1.F1").update(
            status=3, narrative=f"Tekst fra {code}"
        )
    PoliticalAnswer.objects.filter(report__round=open_round).update(answer="Vi arbejder videre.")
    return reports


@pytest.mark.parametrize("role", ROLES)
def test_round_workbook_holds_what_the_role_may_see(role, states, open_round, request, client):
    client = _client_for(role, request, client)

    response = client.get(reverse("exports:round_xlsx", args=[open_round.slug]))

    if role == "anonymous":  # the round is not published
        assert response.status_code == HTTPStatus.NOT_FOUND
        return
    book = workbook(response)
    assert book.sheetnames == ["Indsatser", "Politiske svar", "Pilotprojekter", "Indsendelse"]
    assert codes_in(book["Indsatser"]) == EXPECTED[role]
    assert codes_in(book["Politiske svar"]) == EXPECTED[role]
    rows = list(book["Indsatser"].iter_rows(values_only=True))
    assert len(rows) == 1 + 24 * len(EXPECTED[role])
    narratives = {row[10] for row in rows[1:] if row[10]}
    assert narratives == {f"Tekst fra {code}" for code in EXPECTED[role]}


@pytest.mark.parametrize("role", ROLES)
def test_round_csv_holds_the_same_rows_as_the_workbook(role, states, open_round, request, client):
    client = _client_for(role, request, client)

    response = client.get(reverse("exports:round_csv", args=[open_round.slug]))

    if role == "anonymous":
        assert response.status_code == HTTPStatus.NOT_FOUND
        return
    rows = csv_rows(response)
    assert rows[0][:3] == ["KKR", "Kommunekode", "Kommune"]
    assert {row[1] for row in rows[1:]} == EXPECTED[role]
    assert len(rows) == 1 + 24 * len(EXPECTED[role])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("secretariat", 29),
        ("superuser", 29),
        ("foreign_secretariat", 2),
        ("politician", 2),
        ("other_coordinator", 2),
        ("coordinator", 3),
    ],
)
def test_drafts_only_for_the_round_secretariat_that_asks(
    role, expected, states, open_round, request, client
):
    client = _client_for(role, request, client)

    response = client.get(reverse("exports:round_xlsx", args=[open_round.slug]), {"kladder": "1"})

    assert len(codes_in(workbook(response)["Indsatser"])) == expected


def test_anonymous_gets_approved_reports_of_a_published_round_only(
    states, open_round, secretariat, client
):
    round_services.round_close(actor=secretariat, round_=open_round)
    round_services.round_publish(actor=secretariat, round_=open_round)

    book = workbook(client.get(reverse("exports:round_xlsx", args=[open_round.slug])))
    rows = csv_rows(client.get(reverse("exports:round_csv", args=[open_round.slug])))

    assert codes_in(book["Indsatser"]) == {APPROVED}
    assert codes_in(book["Politiske svar"]) == {APPROVED}
    assert codes_in(book["Indsendelse"]) == {APPROVED}
    assert {row[1] for row in rows[1:]} == {APPROVED}
    with_drafts = workbook(
        client.get(reverse("exports:round_xlsx", args=[open_round.slug]), {"kladder": "1"})
    )
    assert codes_in(with_drafts["Indsatser"]) == {APPROVED}


def test_dashboard_filters_narrow_the_file(states, open_round, secretariat, client):
    client.force_login(secretariat)

    response = client.get(
        reverse("exports:round_xlsx", args=[open_round.slug]),
        {"omraade": "1", "kommune": [APPROVED], "kladder": "1"},
    )

    sheet = workbook(response)["Indsatser"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in rows} == {APPROVED}
    assert {row[3][:2] for row in rows} == {"1."}
    assert len(rows) == ReportEntry.objects.filter(report=states[APPROVED], area_number=1).count()


def test_workbook_layout_headers_dates_and_levels(states, open_round, secretariat, client):
    client.force_login(secretariat)

    book = workbook(client.get(reverse("exports:round_xlsx", args=[open_round.slug])))

    sheet = book["Indsatser"]
    assert [c.value for c in sheet[1]] == [
        "KKR",
        "Kommunekode",
        "Kommune",
        "Målsætningsområde",
        "Indsatskode",
        "Indsats",
        "Type",
        "Status (0-4)",
        "Status",
        "Deltagelse",
        "Sådan arbejder kommunen",
        "Metoder og redskaber",
        "Næste skridt",
        "Rapportstatus",
        "Indsendt",
        "Godkendt",
        "Overført fra (ikke bekræftet)",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{sheet.max_row}"
    assert sheet.column_dimensions["K"].width == 60
    assert sheet["A1"].font.b
    gentofte = next(
        row
        for row in sheet.iter_rows(min_row=2)
        if row[1].value == APPROVED and row[4].value == "1.F1"
    )
    assert gentofte[0].value == "KKR Hovedstaden"
    assert gentofte[7].value == 3
    assert gentofte[8].value == "Implementeret"
    assert gentofte[13].value == "Godkendt"
    assert gentofte[14].is_date
    assert gentofte[14].number_format == "dd-mm-yyyy"
    assert gentofte[15].value.date() == timezone.localdate()
    follow_up = book["Indsendelse"]
    assert [c.value for c in follow_up[1]][:6] == [
        "Kommunekode",
        "Kommune",
        "Rapportstatus",
        "Indsendt",
        "Godkendt",
        "Indsendt af",
    ]
    assert follow_up.max_row == 30  # every municipality of the round, as on the follow-up page


@pytest.fixture
def carried_over(states, open_round):
    """Gentofte's 1.F2 still carries, unconfirmed, the answer of an earlier round."""
    earlier = ReportingRoundFactory(
        framework=open_round.framework,
        title="Statusopfølgning 2025",
        slug="statusopfoelgning-2025",
        opens_on=datetime.date(2025, 11, 1),
        deadline=datetime.date(2025, 12, 15),
        status="closed",
    )
    ReportEntry.objects.filter(
        report__round=open_round, report__municipality__code=APPROVED, initiative_code="1.F2"
    ).update(carried_over_from=earlier)
    return earlier


def _carried_over_column(header, rows, *, code_column, initiative_column):
    marks = {
        row[initiative_column]: row[header.index("Overført fra (ikke bekræftet)")]
        for row in rows
        if row[code_column] == APPROVED
    }
    return marks["1.F2"], marks["1.F1"]


def test_round_files_mark_lines_carried_over_and_not_confirmed(
    carried_over, open_round, secretariat, client
):
    client.force_login(secretariat)

    sheet = workbook(client.get(reverse("exports:round_xlsx", args=[open_round.slug])))["Indsatser"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    rows = csv_rows(client.get(reverse("exports:round_csv", args=[open_round.slug])))

    # The source round on the carried-over line, nothing on a line answered this round.
    assert _carried_over_column(values[0], values[1:], code_column=1, initiative_column=4) == (
        "Statusopfølgning 2025",
        None,
    )
    assert _carried_over_column(rows[0], rows[1:], code_column=1, initiative_column=4) == (
        "Statusopfølgning 2025",
        "",
    )


def test_open_data_marks_lines_carried_over_and_not_confirmed(carried_over, published, client):
    data = client.get(reverse("exports:open_data_json", args=[published.slug])).json()
    rows = csv_rows(client.get(reverse("exports:open_data_csv", args=[published.slug])))

    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    marks = {row["indsatskode"]: row["overfoert_fra"] for row in data["indsatser"]}
    assert (marks["1.F2"], marks["1.F1"]) == ("Statusopfølgning 2025", None)
    column = rows[0].index("overfoert_fra")
    marks = {row[rows[0].index("indsatskode")]: row[column] for row in rows[1:]}
    assert (marks["1.F2"], marks["1.F1"]) == ("Statusopfølgning 2025", "")
    assert rows[0] == SCHEMA["$defs"]["raekke"]["required"]


def test_only_the_round_managers_file_has_the_follow_up(states, open_round, politician, client):
    ReportEvent.objects.create(
        report=states[SUBMITTED], action=ReportEvent.Action.REMINDED, comment="Påmindelse"
    )
    client.force_login(politician)

    sheet = workbook(client.get(reverse("exports:round_xlsx", args=[open_round.slug])))[
        "Indsendelse"
    ]

    assert [c.value for c in sheet[1]] == [
        "Kommunekode",
        "Kommune",
        "Rapportstatus",
        "Indsendt",
        "Godkendt",
    ]
    assert codes_in(sheet) == SHARED


def test_follow_up_counts_reminders_and_extensions(states, open_round, secretariat, client):
    report = states[DRAFT]
    Report.objects.filter(pk=report.pk).update(
        deadline_override=datetime.date(2027, 1, 10), deadline_override_reason="Byrådsmøde"
    )
    for _ in range(2):
        ReportEvent.objects.create(report=report, action=ReportEvent.Action.REMINDED)
    client.force_login(secretariat)

    sheet = workbook(client.get(reverse("exports:round_xlsx", args=[open_round.slug])))[
        "Indsendelse"
    ]

    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == DRAFT)
    values = dict(zip(header, row, strict=True))
    assert values["Rapportstatus"] == "Ikke påbegyndt"
    assert values["Rundens frist"].date() == datetime.date(2026, 12, 15)
    assert values["Forlænget frist"].date() == datetime.date(2027, 1, 10)
    assert values["Begrundelse for forlængelse"] == "Byrådsmøde"
    assert values["Påmindelser sendt"] == 2
    assert values["Seneste påmindelse"] is not None


FORMULAS = ['=HYPERLINK("http://x")', "+45 1234", "-punkt", "@SUM(A1)", "\tfane", "\rretur"]


def test_formula_like_text_is_written_as_text(states, open_round, secretariat, client):
    entries = ReportEntry.objects.filter(report=states[APPROVED]).order_by("position")
    for entry, text in zip(entries, FORMULAS, strict=False):
        ReportEntry.objects.filter(pk=entry.pk).update(narrative=text)
    client.force_login(secretariat)

    book = workbook(client.get(reverse("exports:round_xlsx", args=[open_round.slug])))
    rows = csv_rows(client.get(reverse("exports:round_csv", args=[open_round.slug])))

    cells = [
        row[10]
        for row in book["Indsatser"].iter_rows(min_row=2)
        if row[1].value == APPROVED and row[10].value in FORMULAS
    ]
    assert sorted(c.value for c in cells) == sorted(FORMULAS)
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells)
    texts = [row[10] for row in rows if row[1] == APPROVED and row[10][1:] in FORMULAS]
    assert sorted(texts) == sorted(f"'{text}" for text in FORMULAS)


def test_csv_dates_are_danish_and_every_field_is_quoted(states, open_round, secretariat, client):
    client.force_login(secretariat)

    response = client.get(reverse("exports:round_csv", args=[open_round.slug]))

    raw = _content(response).decode("utf-8-sig")
    assert response["Content-Disposition"] == f'attachment; filename="{open_round.slug}.csv"'
    assert raw.splitlines()[0].startswith('"KKR";"Kommunekode";"Kommune"')
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    approved = next(row for row in rows if row[1] == APPROVED)
    assert approved[15] == timezone.localdate().strftime("%d-%m-%Y")


def test_pilot_sheet_shows_visitors_shared_results_only(states, open_round, secretariat, client):
    framework = open_round.framework
    shared = PilotProjectFactory(
        initiative=Initiative.objects.get(framework=framework, code="2.P2"),
        lead_municipality=Municipality.objects.get(code="101"),
        title="Fælles akuttilbud",
        results_published=True,
    )
    PilotParticipationFactory(project=shared, municipality=Municipality.objects.get(code="147"))
    PilotProjectFactory(
        initiative=Initiative.objects.get(framework=framework, code="2.P2"),
        lead_municipality=Municipality.objects.get(code="147"),
        title="Ikke delt endnu",
    )
    round_services.round_close(actor=secretariat, round_=open_round)
    round_services.round_publish(actor=secretariat, round_=open_round)
    url = reverse("exports:round_xlsx", args=[open_round.slug])

    public = list(workbook(client.get(url))["Pilotprojekter"].iter_rows(values_only=True))
    client.force_login(secretariat)
    signed_in = list(workbook(client.get(url))["Pilotprojekter"].iter_rows(values_only=True))

    assert [row[2] for row in public[1:]] == ["Fælles akuttilbud"]
    assert public[1][3:6] == ("København", "Frederiksberg", "I gang")
    assert public[1][8] == "Ja"
    assert sorted(row[2] for row in signed_in[1:]) == ["Fælles akuttilbud", "Ikke delt endnu"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", set()),
        ("coordinator", {"Kladde"}),
        ("other_coordinator", set()),
        ("politician", set()),
        ("secretariat", set()),
        ("superuser", set()),
    ],
)
def test_municipality_file_has_its_drafts_for_its_own_coordinators_only(
    role, expected, states, request, client
):
    client = _client_for(role, request, client)

    book = workbook(client.get(reverse("exports:municipality_xlsx", args=[DRAFT])))

    rows = list(book["Indsatser"].iter_rows(min_row=2, values_only=True))
    assert {row[14] for row in rows} == expected
    assert book.sheetnames == ["Indsatser", "Politiske svar", "Pilotprojekter"]


def test_municipality_file_spans_every_round(states, open_round, secretariat, client):
    earlier = round_services.round_create(
        actor=secretariat,
        framework=open_round.framework,
        title="Statusopfølgning 2025",
        slug="statusopfoelgning-2025",
        opens_on=datetime.date(2025, 11, 1),
        deadline=datetime.date(2025, 12, 15),
    )
    round_services.round_open(actor=secretariat, round_=earlier)
    earlier.reports.filter(municipality__code=APPROVED).update(status="approved")
    client.force_login(secretariat)

    book = workbook(client.get(reverse("exports:municipality_xlsx", args=[APPROVED])))
    rows = csv_rows(client.get(reverse("exports:municipality_csv", args=[APPROVED])))

    sheet_rows = list(book["Indsatser"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in sheet_rows[:1]] == ["Statusopfølgning 2025"]
    assert {row[1] for row in sheet_rows} == {"Statusopfølgning 2025", "Statusopfølgning 2026"}
    assert len(sheet_rows) == 48
    assert len(rows) == 49
    assert rows[0][:3] == ["KKR", "Runde", "Kommunekode"]


def test_round_export_queries_do_not_grow_with_rows(
    states, open_round, secretariat, client, django_assert_num_queries
):
    client.force_login(secretariat)
    url = reverse("exports:round_csv", args=[open_round.slug])

    # session, user (memberships in memory since the sign-in); the round; the filters' areas
    # and municipalities (the dashboards' choices); the methods of the entries; the entries.
    with django_assert_num_queries(7):
        response = client.get(url)
        rows = csv_rows(response)

    assert len(rows) == 1 + 24 * 2


def test_round_workbook_queries(states, open_round, secretariat, client, django_assert_num_queries):
    client.force_login(secretariat)
    url = reverse("exports:round_xlsx", args=[open_round.slug])

    # session, user (memberships in memory since the sign-in); the round; the filters' areas
    # and municipalities; entries: methods, rows; answers; pilot projects (none, so no
    # participations); the follow-up's reports.
    with django_assert_num_queries(10):
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK


# --- open data ----------------------------------------------------------------------------

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "exports" / "open_data_schema.json").read_text()
)


@pytest.fixture
def published(states, open_round, secretariat):
    round_services.round_close(actor=secretariat, round_=open_round)
    return round_services.round_publish(actor=secretariat, round_=open_round)


@pytest.mark.parametrize("name", ["exports:open_data_csv", "exports:open_data_json"])
def test_open_data_needs_a_published_round(name, states, open_round, secretariat, client):
    client.force_login(secretariat)

    response = client.get(reverse(name, args=[open_round.slug]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_open_data_json_is_the_approved_results_under_its_schema(published, client):
    response = client.get(reverse("exports:open_data_json", args=[published.slug]))

    assert response.status_code == HTTPStatus.OK
    data = response.json()
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert {row["kommunekode"] for row in data["indsatser"]} == {APPROVED}
    assert len(data["indsatser"]) == 24
    assert data["licens"]["navn"] == "CC BY 4.0"
    assert data["offentliggjort"] == timezone.localtime(published.published_at).isoformat()
    first = next(row for row in data["indsatser"] if row["indsatskode"] == "1.F1")
    assert (first["status"], first["status_tekst"]) == (3, "Implementeret")
    assert first["beskrivelse"] == "Tekst fra 157"
    assert 'rel="license"' in response["Link"]


def test_open_data_csv_and_unpublishing_takes_it_down(published, secretariat, client):
    url = reverse("exports:open_data_csv", args=[published.slug])

    rows = csv_rows(client.get(url))
    round_services.round_unpublish(actor=secretariat, round_=published)
    gone = client.get(url)

    assert rows[0][:5] == ["kkr", "rammepapir", "runde", "kommunekode", "kommune"]
    assert {row[3] for row in rows[1:]} == {APPROVED}
    assert rows[1][rows[0].index("godkendt")] == timezone.localdate().isoformat()
    assert gone.status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("exports:open_data_json", args=[published.slug])).status_code == (
        HTTPStatus.NOT_FOUND
    )


def test_open_data_page_lists_published_rounds(published, client, django_assert_num_queries):
    # the published rounds with their frameworks and KKRs
    with django_assert_num_queries(1):
        response = client.get(reverse("exports:open_data_list"))

    assert response.status_code == HTTPStatus.OK
    assert reverse("exports:open_data_csv", args=[published.slug]) in response.text
    assert "CC BY 4.0" in response.text


def test_dashboards_and_round_page_link_to_the_files(published, politician, client):
    client.force_login(politician)

    overview = client.get(reverse("dashboards:overview", args=[published.framework.slug]))
    round_page = client.get(published.get_absolute_url())
    profile = client.get(
        reverse("dashboards:municipality", args=[published.framework.slug, APPROVED])
    )

    xlsx = reverse("exports:round_xlsx", args=[published.slug])
    assert "Hent som Excel" in overview.text
    assert xlsx in overview.text
    assert reverse("exports:open_data_json", args=[published.slug]) in overview.text
    assert xlsx in round_page.text
    assert "Importér svar" not in round_page.text
    assert reverse("exports:municipality_xlsx", args=[APPROVED]) in profile.text

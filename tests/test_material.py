"""The KKR meeting material: the report PDF as a background job, its download, the agenda item."""

import datetime
import io
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from jobs.models import Job
from material.models import AgendaPaper, MeetingMaterial
from reporting.models import PoliticalAnswer, Report, ReportEntry, ReportingRound
from reporting.services.summaries import summaries_rebuild
from tests.factories import AgendaItemFactory, MeetingFactory, PilotParticipationFactory

pytestmark = pytest.mark.django_db

DRAFT, SUBMITTED, APPROVED = "101", "147", "157"  # København, Frederiksberg, Gentofte
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


def _client_for(role, request, client):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


@pytest.fixture
def reported(open_round):
    """København's draft; Frederiksberg submitted, Gentofte approved; the rest not started.
    Every line at level 2 and 1.F1 at 3 with a narrative naming the municipality's code."""
    now = timezone.now()
    reports = {r.municipality.code: r for r in open_round.reports.select_related("municipality")}
    Report.objects.filter(pk=reports[SUBMITTED].pk).update(status="submitted", submitted_at=now)
    Report.objects.filter(pk=reports[APPROVED].pk).update(
        status="approved", submitted_at=now, reviewed_at=now
    )
    ReportEntry.objects.filter(report__round=open_round).update(status=2, narrative="")
    for code in (DRAFT, SUBMITTED, APPROVED):
        ReportEntry.objects.filter(report=reports[code], initiative_code="1.F1").update(
            status=3, narrative=f"Tekst fra {code}"
        )
    summaries_rebuild()  # as every service that writes entries keeps them
    PoliticalAnswer.objects.filter(report=reports[APPROVED]).update(answer="Vi arbejder videre.")
    PoliticalAnswer.objects.filter(report=reports[DRAFT]).update(answer="Hemmeligt kladdesvar.")
    return reports


def _make(client, round_, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("material:material_start", args=[round_.slug]), data)


@pytest.fixture
def made(reported, open_round, secretariat, client, django_capture_on_commit_callbacks):
    """The secretariat has made the round's meeting report (the job ran in-process)."""
    client.force_login(secretariat)
    response = _make(
        client, open_round, django_capture_on_commit_callbacks, meeting_date="2027-01-20"
    )
    assert response.status_code == HTTPStatus.FOUND
    client.logout()
    return MeetingMaterial.objects.select_related("job").get(round=open_round)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_job_builds_the_report_with_progress_and_a_file(made, secretariat):
    job = made.job
    assert job.status == Job.Status.DONE
    assert job.created_by == secretariat
    # The figures, one step per municipality that reported, and the layout.
    assert job.progress_total == 2 + 2
    assert job.progress_done == job.progress_total
    # The storage adds a suffix if a file of that name is already there.
    assert job.result_name.startswith("moedemateriale-statusopfoelgning-2026")
    assert job.result_name.endswith(".pdf")
    assert made.meeting_date == datetime.date(2027, 1, 20)


def test_the_pdf_holds_the_figures_and_names_and_no_drafts(made, client, politician):
    client.force_login(politician)
    response = client.get(reverse("material:material_download", args=["statusopfoelgning-2026"]))
    assert response.status_code == HTTPStatus.OK
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) > 6
    for expected in (
        "KKR Hovedstaden",
        "Mødemateriale",
        "Statusopfølgning 2026",
        "KKR-mødet den 20. januar 2027",
        "Indhold",
        "Resumé",
        "2 af 29 kommuner har indsendt",
        "1 er godkendt",
        "Statuskort",
        "Bilag: kommunerne",
        "Frederiksberg",
        "Gentofte",
        "Tekst fra 147",
        "Tekst fra 157",
        "Vi arbejder videre.",
        "Side 2 af",
    ):
        assert expected in text, expected
    # København's report is a draft: its narrative and answers are not in the file.
    assert "Tekst fra 101" not in text
    assert "Hemmeligt kladdesvar" not in text
    # The running header names the KKR on the pages after the front page.
    assert "KKR Hovedstaden" in reader.pages[2].extract_text()


def test_a_narrative_with_markup_is_shown_as_text(
    reported, open_round, secretariat, client, django_capture_on_commit_callbacks
):
    ReportEntry.objects.filter(report=reported[SUBMITTED], initiative_code="1.F1").update(
        narrative="Vi bruger <b>fed</b> & <i>kursiv</i>"
    )
    client.force_login(secretariat)
    _make(client, open_round, django_capture_on_commit_callbacks)
    job = MeetingMaterial.objects.get(round=open_round).job
    with job.result.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Vi bruger <b>fed</b> & <i>kursiv</i>" in text


@pytest.mark.parametrize("role", ROLES)
def test_only_the_rounds_secretariat_makes_material(
    role, open_round, request, client, django_capture_on_commit_callbacks
):
    client = _client_for(role, request, client)

    response = _make(client, open_round, django_capture_on_commit_callbacks)

    if role in ("secretariat", "superuser"):
        material = MeetingMaterial.objects.get(round=open_round)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == material.job.get_absolute_url()
        assert material.job.status == Job.Status.DONE
        return
    assert not MeetingMaterial.objects.exists()
    assert not Job.objects.exists()
    if role == "anonymous":
        assert response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN


def test_everyone_signed_in_fetches_the_same_file(made, request, client):
    with made.job.result.open("rb") as handle:
        made_file = handle.read()
    url = reverse("material:material_download", args=["statusopfoelgning-2026"])
    for role in ROLES:  # one report for every role: each build costs seconds
        client.logout()
        client = _client_for(role, request, client)

        response = client.get(url)

        if role == "anonymous":
            assert response.status_code == HTTPStatus.FOUND
            assert response.url.startswith(reverse("accounts:login"))
            continue
        assert response.status_code == HTTPStatus.OK, role
        assert b"".join(response.streaming_content) == made_file, role


def test_the_material_page_names_who_made_it_and_when(made, client, politician):
    client.force_login(politician)
    response = client.get(reverse("material:round_material", args=["statusopfoelgning-2026"]))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert f"Lavet af {made.job.created_by} den" in page
    assert reverse("material:material_download", args=["statusopfoelgning-2026"]) in page
    assert "Lav mødemateriale" not in page


def test_the_secretariat_sees_the_button_and_the_round_page_links_to_it(
    open_round, secretariat, client
):
    client.force_login(secretariat)
    round_page = client.get(open_round.get_absolute_url()).content.decode()
    assert reverse("material:round_material", args=[open_round.slug]) in round_page
    page = client.get(reverse("material:round_material", args=[open_round.slug])).content.decode()
    assert "Lav mødemateriale" in page
    assert "Sekretariatet har endnu ikke lavet mødemateriale" in page


def test_a_running_job_shows_its_progress_bar_on_the_page(open_round, secretariat, client):
    client.force_login(secretariat)
    client.post(reverse("material:material_start", args=[open_round.slug]))  # not run: no commit
    page = client.get(reverse("material:round_material", args=[open_round.slug])).content.decode()
    job = Job.objects.get()
    assert reverse("jobs:job_progress", args=[job.pk]) in page
    assert "<progress" in page


def test_a_draft_round_has_no_material(hovedstaden_framework, secretariat, client):
    round_ = ReportingRound.objects.create(
        framework=hovedstaden_framework,
        title="Kladde",
        slug="kladde",
        opens_on=datetime.date(2027, 5, 1),
        deadline=datetime.date(2027, 6, 1),
    )
    client.force_login(secretariat)
    assert client.get(reverse("material:round_material", args=[round_.slug])).status_code == 404
    assert client.post(reverse("material:material_start", args=[round_.slug])).status_code == 404


def _docx(response):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return Document(io.BytesIO(response.content))


def _sections(document) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current = None
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            current = paragraph.text
            sections[current] = []
        elif current is not None:
            sections[current].append(paragraph.text)
    return {heading: "\n".join(lines) for heading, lines in sections.items()}


def test_the_agenda_item_is_prefilled_from_the_figures_and_opens_in_word(made, client, politician):
    client.force_login(politician)
    response = client.get(reverse("material:agenda_paper_docx", args=["statusopfoelgning-2026"]))
    sections = _sections(_docx(response))
    assert list(sections)[1:] == ["Baggrund", "Indstilling", "Sagsfremstilling", "Bilag"]
    assert "KKR Hovedstaden" in sections["Baggrund"]
    assert sections["Indstilling"].startswith("Det indstilles, at KKR Hovedstaden:")
    assert "2 af 29 kommuner har indsendt" in sections["Sagsfremstilling"]
    assert "København" in sections["Sagsfremstilling"]  # named among those not yet submitted
    assert "1. " in sections["Sagsfremstilling"]  # the first area's average
    assert made.job.result_name in sections["Bilag"]


def test_the_secretariat_edits_the_agenda_item_and_links_the_kkr_meeting(
    open_round, secretariat, client, hovedstaden
):
    meeting = MeetingFactory(group__owner_kkr=hovedstaden, group__owner_organisation=None)
    item = AgendaItemFactory(meeting=meeting, reporting_round=open_round)
    client.force_login(secretariat)
    url = reverse("material:agenda_paper_edit", args=[open_round.slug])
    form = client.get(url)
    assert form.status_code == HTTPStatus.OK
    assert "Det indstilles, at KKR Hovedstaden" in form.content.decode()

    response = client.post(
        url,
        {
            "title": "Status på psykiatrien",
            "background": "KKR følger op.",
            "recommendation": "Det indstilles, at KKR tager status til efterretning.",
            "presentation": "Første afsnit.\n\nAndet afsnit med <b>markup</b>.",
            "agenda_item": item.pk,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    paper = AgendaPaper.objects.get(round=open_round)
    assert paper.updated_by == secretariat
    item.refresh_from_db()
    assert item.recommendation == "Det indstilles, at KKR tager status til efterretning."
    sections = _sections(
        _docx(client.get(reverse("material:agenda_paper_docx", args=[open_round.slug])))
    )
    assert sections["Sagsfremstilling"] == "Første afsnit.\nAndet afsnit med <b>markup</b>."
    assert "endnu ikke lavet" in sections["Bilag"]


@pytest.mark.parametrize("role", ["coordinator", "politician", "foreign_secretariat"])
def test_only_the_rounds_secretariat_edits_the_agenda_item(role, open_round, request, client):
    client = _client_for(role, request, client)
    url = reverse("material:agenda_paper_edit", args=[open_round.slug])
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    response = client.post(url, {"title": "x", "background": "x", "recommendation": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not AgendaPaper.objects.exists()


def test_the_municipality_page_lists_its_pilot_projects(
    reported, open_round, secretariat, client, django_capture_on_commit_callbacks
):
    gentofte = reported[APPROVED].municipality
    PilotParticipationFactory(
        project__title="Fælles recovery-skole",
        project__initiative__framework=open_round.framework,
        municipality=gentofte,
    )
    client.force_login(secretariat)
    _make(client, open_round, django_capture_on_commit_callbacks)
    with MeetingMaterial.objects.get().job.result.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Fælles recovery-skole (Deltager)" in text


def test_charts_are_named_described_and_escape_their_labels(open_round):
    from dashboards import charts
    from dashboards.selectors import AreaFigures, LevelShare, Overview

    overview = Overview(
        round=open_round,
        previous_round=None,
        municipality_count=29,
        report_counts={"approved": 3, "submitted": 4, "draft": 22},
        areas=[
            AreaFigures(1, "Tidlig <indsats>", [LevelShare(4, "Fuldt implementeret", 5, 100)], 5, 4)
        ],
    )

    submission = str(charts.submission_chart(overview))
    areas = str(charts.area_levels_chart(overview, chart_id="a"))

    assert 'role="img"' in submission
    assert 'aria-labelledby="chart-submission-title chart-submission-desc"' in submission
    assert '<title id="chart-submission-title">Indsendelse i runden</title>' in submission
    assert "Godkendt 3, Indsendt, ikke godkendt 4, Ikke indsendt 22." in submission
    assert "Tidlig &lt;indsats&gt;" in areas
    assert "<indsats>" not in areas
    assert 'fill="#1e5e36"' in areas
    assert "style=" not in submission + areas


def test_the_overview_shows_the_charts_with_a_table(reported, client, politician):
    client.force_login(politician)
    response = client.get(reverse("dashboards:overview", args=["hovedstaden-psykiatri"]))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert '<title id="chart-submission-title">' in page
    assert '<title id="chart-areas-title">' in page
    assert 'Indsendt, ikke godkendt</th><td class="text-end">1</td>' in page


def test_the_report_tells_reports_not_submitted_from_unanswered_lines(
    reported, open_round, monkeypatch
):
    from dashboards import charts
    from dashboards.selectors import NOT_SUBMITTED
    from material import pdf
    from material.selectors import meeting_report

    ReportEntry.objects.filter(report=reported[APPROVED], initiative_code="1.F1").update(
        status=None
    )
    summaries_rebuild()
    pages = []

    class Capture:
        def __init__(self, *, string):
            pages.append(string)

        def write_pdf(self, **kwargs):
            return b"%PDF"

    monkeypatch.setattr(pdf, "HTML", Capture)
    report = meeting_report(round_=open_round)
    pdf.render_meeting_report(report)

    area = report.overview.areas[0]
    lines = ReportEntry.objects.filter(
        report=reported[APPROVED], area_number=1, initiative_kind="mandatory"
    ).count()
    assert area.unanswered == 1
    assert area.not_submitted == 27 * lines  # 29 municipalities, two reported
    first = report.areas[0].initiatives[0]
    assert (first.code, first.unanswered, sum(first.counts)) == ("1.F1", 1, 1)
    draft_row = next(row for row in report.grid.rows if row.code == DRAFT)
    assert {level for _code, level in draft_row.levels} == {NOT_SUBMITTED}
    chart = [segment.label for segment in charts.area_rows(report.overview)[0].segments]
    assert "Ikke indsendt" in chart
    assert NOT_SUBMITTED not in chart
    html = pages[-1]
    assert '<td class="level-not_submitted">–</td>' in html
    assert '<td class="level-none">·</td>' in html
    assert "Ikke besvaret eller ikke indsendt" not in html
    assert '<span class="swatch level-not_submitted">–</span> Ikke indsendt' in html


def test_the_report_compares_rounds_over_municipalities_counted_in_both(monkeypatch):
    from material import agenda, pdf
    from material.selectors import meeting_report
    from tests.test_dashboards import build_kkr

    _framework, rounds, towns, _items, _secretariat = build_kkr(
        municipalities=3, rounds=2, initiatives=2
    )
    previous, current = rounds
    Report.objects.filter(round=previous, municipality=towns[1]).update(status=Report.Status.DRAFT)
    pages = []

    class Capture:
        def __init__(self, *, string):
            pages.append(string)

        def write_pdf(self, **kwargs):
            return b"%PDF"

    monkeypatch.setattr(pdf, "HTML", Capture)
    report = meeting_report(round_=current)
    pdf.render_meeting_report(report)

    assert report.changes.compared == 2
    assert {m.code for m in report.changes.municipalities} <= {towns[0].code, towns[2].code}
    assert {area.compared for area in report.overview.areas} == {2}
    html = " ".join(pages[-1].split())
    assert (
        f"Sammenlignet er de 2 kommuner, der har indsendt i både {previous.title} og denne runde"
        in html
    )
    assert f"Ændring siden {previous.title} for de 2 kommuner, der har indsendt i begge runder" in (
        html
    )
    text = agenda.prefilled_text(report).presentation
    assert "Blandt de 2 kommuner, der har indsendt i både" in text
    assert "for de 2 kommuner, der har indsendt i begge runder" in text


def test_a_round_less_than_half_reported_is_marked_preliminary(reported, open_round, monkeypatch):
    from material import agenda, pdf
    from material.selectors import meeting_report

    pages = []

    class Capture:
        def __init__(self, *, string):
            pages.append(string)

        def write_pdf(self, **kwargs):
            return b"%PDF"

    monkeypatch.setattr(pdf, "HTML", Capture)
    report = meeting_report(round_=open_round)
    pdf.render_meeting_report(report)

    notice = (
        "Foreløbige tal. Kun 2 af 29 kommuner har indsendt i denne runde: tallene viser ikke "
        "KKR'et som helhed."
    )
    assert report.participation.is_partial
    assert notice in " ".join(pages[-1].replace("<strong>", "").replace("</strong>", "").split())
    assert notice in agenda.prefilled_text(report).presentation

"""The secretariat loads e-mailed answers with a dry run; a politician downloads the round."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Membership
from exports.models import ImportFile
from municipalities.models import KKR
from reporting.models import ReportEntry, ReportEvent
from tests.browser.test_accessibility import serious_violations
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _fill(template: Path, out: Path, level: object) -> Path:
    """The downloaded template with its first example's level set, saved under a new name."""
    book = load_workbook(io.BytesIO(template.read_bytes()))
    sheet = book["Indsatser"]
    sheet["E2"] = level
    book.save(out)
    return out


def test_secretariat_imports_answers_after_a_dry_run_with_an_error(
    live_server, people, report, page, login, screenshot, tmp_path
):
    secretariat, _coordinator = people
    round_ = report.round
    login(page, secretariat, TEST_PASSWORD)
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    page.get_by_role("link", name="Importér svar fra regneark").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importér svar fra et regneark")
    assert serious_violations(page, live_server) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent skabelon (Excel)").click()
    template = Path(download.value.path())
    assert download.value.suggested_filename == f"import-{round_.slug}.xlsx"

    page.get_by_label("Fil med svar").set_input_files(_fill(template, tmp_path / "svar.xlsx", 7))
    page.get_by_role("button", name="Vis prøvekørsel").click()
    expect(page.get_by_role("heading", name="Filen kan ikke importeres endnu")).to_be_visible()
    expect(
        page.get_by_text(
            "Række 2, kolonne Status (0-4): Status skal være et helt tal fra 0 til 4, ikke »7«."
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Importér 2 svar")).to_have_count(0)
    assert serious_violations(page, live_server) == []
    screenshot(page, "import-proevekoersel-fejl")

    page.get_by_role("link", name="Indlæs en anden fil").click()
    page.get_by_label("Fil med svar").set_input_files(_fill(template, tmp_path / "svar.xlsx", 2))
    page.get_by_role("button", name="Vis prøvekørsel").click()
    expect(page.get_by_text("2 nye svar")).to_be_visible()
    expect(page.get_by_text("Status (0-4): – → 2 – I gang")).to_be_visible()
    assert serious_violations(page, live_server) == []
    screenshot(page, "import-proevekoersel")
    assert not ReportEvent.objects.filter(action=ReportEvent.Action.IMPORTED).exists()

    page.get_by_role("button", name="Importér 2 svar").click()
    # Without a broker the import job runs in-process before the file's page is shown.
    expect(page.get_by_text("Importen er startet.")).to_be_visible()
    expect(page.get_by_text("Filen blev importeret")).to_be_visible()
    assert serious_violations(page, live_server) == []
    page.get_by_role("link", name="Til runden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(round_.title)
    imported = ReportEntry.objects.filter(report__round=round_, status__isnull=False)
    assert sorted(imported.values_list("status", flat=True)) == [2, 3]
    # One event for the one report both rows belong to (Albertslund).
    assert ReportEvent.objects.filter(action=ReportEvent.Action.IMPORTED).count() == 1
    assert ImportFile.objects.filter(status=ImportFile.Status.IMPORTED).count() == 1


def test_politician_downloads_the_round_as_excel(live_server, people, report, page, login):
    politician = MembershipFactory(
        role=Membership.Role.POLITICIAN,
        kkr=KKR.objects.get(slug="hovedstaden"),
        municipality=None,
    ).user
    login(page, politician, TEST_PASSWORD)
    page.goto(f"{live_server.url}/overblik/hovedstaden-psykiatri/statuskort/")
    assert serious_violations(page, live_server) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som Excel").click()

    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["Indsatser", "Politiske svar", "Pilotprojekter", "Indsendelse"]
    # Every report of the open round is a draft: a politician's file has none of them.
    assert book["Indsatser"].max_row == 1
    assert download.value.suggested_filename == f"{report.round.slug}.xlsx"

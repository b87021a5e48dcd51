"""The secretariat makes the KKR meeting material in one click; a politician fetches the file."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Membership
from municipalities.models import KKR
from reporting.models import Report, ReportEntry
from reporting.services.summaries import summaries_rebuild
from tests.browser.test_accessibility import serious_violations
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_secretariat_makes_the_material_and_a_politician_downloads_the_same_file(
    live_server, people, report, page, login, browser
):
    secretariat, _coordinator = people
    round_ = report.round
    Report.objects.filter(round=round_, municipality__code="147").update(status="submitted")
    ReportEntry.objects.filter(report__round=round_, report__municipality__code="147").update(
        status=3, narrative="Frederiksbergs egen beskrivelse"
    )
    summaries_rebuild()  # as every service that writes entries keeps them
    login(page, secretariat, TEST_PASSWORD)
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    page.get_by_role("link", name="Lav mødemateriale").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mødemateriale til KKR")
    page.get_by_label("Mødedato").fill("2027-01-20")
    page.get_by_role("button", name="Lav mødemateriale").click()

    # Without a broker the job ran in-process: its page shows the finished bar and the file.
    expect(page.get_by_text("Jobbet er færdigt.")).to_be_visible()
    assert serious_violations(page, live_server) == []
    with page.expect_download() as made:
        page.get_by_role("link", name="Hent moedemateriale").click()
    made_bytes = Path(made.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(made_bytes)).pages)
    assert "Frederiksbergs egen beskrivelse" in text
    assert "KKR-mødet den 20. januar 2027" in text

    politician = MembershipFactory(
        role=Membership.Role.POLITICIAN, kkr=KKR.objects.get(slug="hovedstaden"), municipality=None
    ).user
    other = browser.new_context().new_page()
    login(other, politician, TEST_PASSWORD)
    other.goto(f"{live_server.url}/moedemateriale/{round_.slug}/")
    expect(other.get_by_text(f"Lavet af {secretariat}")).to_be_visible()
    expect(other.get_by_role("button", name="Lav mødemateriale")).to_have_count(0)
    assert serious_violations(other, live_server) == []
    with other.expect_download() as fetched:
        other.get_by_role("link", name="Hent moedemateriale").click()
    assert Path(fetched.value.path()).read_bytes() == made_bytes

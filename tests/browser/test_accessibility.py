"""axe-core in the page: no critical or serious violations on the main pages."""

from http import HTTPStatus
from pathlib import Path

import pytest

from commitments.models import Initiative
from municipalities.models import Municipality
from tests.factories import TEST_PASSWORD, PilotParticipationFactory, PilotProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"

PUBLIC_PAGES = [
    "/",
    "/rammer/",
    "/rammer/hovedstaden-psykiatri/",
    "/rammer/hovedstaden-psykiatri/indsatser/2.F3/",
    "/kommuner/",
    "/kommuner/101/",
    "/konto/log-ind/",
    "/konto/glemt-adgangskode/",
    "/tilgaengelighed/",
]

SIGNED_IN_PAGES = [
    "/overblik/",
    "/overblik/hovedstaden-psykiatri/",
    "/overblik/hovedstaden-psykiatri/statuskort/",
    "/overblik/hovedstaden-psykiatri/udvikling/",
    "/overblik/hovedstaden-psykiatri/nyt/",
    "/overblik/hovedstaden-psykiatri/pilotprojekter/",
    "/overblik/hovedstaden-psykiatri/indsatser/1.F1/",
    "/overblik/hovedstaden-psykiatri/kommuner/101/",
    "/konto/mine-organisationer/",
    "/konto/brugere/",
    "/konto/brugere/inviter/",
    "/konto/adgangskode/",
    "/moedemateriale/statusopfoelgning-2026/",
    "/moedemateriale/statusopfoelgning-2026/dagsordenspunkt/",
]


def serious_violations(page, live_server):
    """axe-core's critical and serious violations on the page just loaded, which must have
    loaded: axe finds nothing wrong with a 404 page, however the browser got there. A click
    returns once its navigation has started, so the page is waited for first: axe is added to
    the document's head, which a page still arriving may not have yet."""
    page.wait_for_load_state("load")
    status = page.evaluate("performance.getEntriesByType('navigation')[0].responseStatus")
    assert status == HTTPStatus.OK, f"{page.url} answered {status}"
    page.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"critical", "serious"}
    ]


@pytest.fixture
def secretariat_with_round(people, report):
    """The Hovedstaden secretariat, with an open round and a shared pilot project to look at."""
    project = PilotProjectFactory(
        initiative=Initiative.objects.get(framework=report.round.framework, code="2.P2"),
        lead_municipality=Municipality.objects.get(code="101"),
        results="Færre akutte indlæggelser.",
        results_published=True,
    )
    PilotParticipationFactory(project=project, municipality=Municipality.objects.get(code="147"))
    return people[0]


def test_axe_file_is_installed():
    assert AXE.exists(), "run `make setup` to copy axe-core into static/vendor"


def test_public_pages_have_no_serious_violations(live_server, live_data, page):
    problems = {}
    for path in PUBLIC_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == HTTPStatus.OK, path
        found = serious_violations(page, live_server)
        if found:
            problems[path] = found

    assert problems == {}


def test_signed_in_pages_have_no_serious_violations(
    live_server, secretariat_with_round, page, login
):
    login(page, secretariat_with_round, TEST_PASSWORD)
    problems = {}
    for path in SIGNED_IN_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == HTTPStatus.OK, path
        found = serious_violations(page, live_server)
        if found:
            problems[path] = found

    assert problems == {}

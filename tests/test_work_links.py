"""Every count that names work is a link to that work, filtered (issue 11, item 7)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from reporting.models import Report

pytestmark = pytest.mark.django_db


def _submit(round_, codes: list[str]) -> None:
    round_.reports.filter(municipality__code__in=codes).update(status=Report.Status.SUBMITTED)


def test_reports_waiting_on_mine_opgaver_link_to_the_round_filtered_to_them(
    client, secretariat, open_round
):
    _submit(open_round, ["101", "147"])
    client.force_login(secretariat)

    content = client.get(reverse("notifications:tasks")).content.decode()

    round_url = open_round.get_absolute_url()
    assert f'href="{round_url}?tilstand=indsendt">2 rapporter venter på behandling</a>' in content
    assert f'href="{round_url}?tilstand=mangler">27 kommuner mangler at indsende</a>' in content


def test_the_linked_round_page_lists_exactly_the_reports_the_count_named(
    client, secretariat, open_round
):
    _submit(open_round, ["101", "147"])
    client.force_login(secretariat)
    round_url = open_round.get_absolute_url()

    waiting = client.get(f"{round_url}?tilstand=indsendt")
    missing = client.get(f"{round_url}?tilstand=mangler")

    assert waiting.status_code == HTTPStatus.OK
    assert [r.municipality.name for r in waiting.context["follow_up"].rows] == [
        "Frederiksberg",
        "København",
    ]
    assert len(missing.context["follow_up"].rows) == 27
    assert "Mangler at indsende" in missing.content.decode()


def test_the_home_page_summary_links_to_the_waiting_reports_and_leaves_out_zero_lines(
    client, secretariat, coordinator, open_round
):
    _submit(open_round, ["147"])
    client.force_login(secretariat)
    secretariat_home = client.get(reverse("home")).content.decode()
    client.force_login(coordinator)
    coordinator_home = client.get(reverse("home")).content.decode()

    assert (
        f'href="{open_round.get_absolute_url()}?tilstand=indsendt">1 rapport venter på behandling'
        in secretariat_home
    )
    assert "1 rapport at udfylde" in coordinator_home
    assert "0 invitationer" not in coordinator_home


def test_the_round_list_counts_link_to_the_round_filtered_by_state(client, secretariat, open_round):
    _submit(open_round, ["101"])
    client.force_login(secretariat)

    content = client.get(reverse("reporting:round_list")).content.decode()

    round_url = open_round.get_absolute_url()
    assert f'href="{round_url}?tilstand=indsendt">Indsendt: <strong>1</strong></a>' in content
    assert f'href="{round_url}?tilstand=ikke-paabegyndt">' in content


@pytest.mark.parametrize(
    "page",
    [
        "reporting:report_detail",
        "reporting:report_history",
        "reporting:report_edit",
        "reporting:report_submit",
    ],
)
def test_the_round_in_a_reports_breadcrumb_is_a_link(client, coordinator, own_report, page):
    client.force_login(coordinator)

    response = client.get(reverse(page, args=[own_report.pk]))

    round_ = own_report.round
    assert response.status_code == HTTPStatus.OK
    assert (
        f'<li class="breadcrumb-item"><a href="{round_.get_absolute_url()}">{round_.title}</a></li>'
        in response.content.decode()
    )
    # ... to a page the coordinator may see.
    assert client.get(round_.get_absolute_url()).status_code == HTTPStatus.OK


def test_approved_reports_on_mine_opgaver_link_to_the_round_filtered_to_them(
    client, secretariat, open_round
):
    _submit(open_round, ["101"])
    open_round.reports.filter(municipality__code="147").update(status=Report.Status.APPROVED)
    client.force_login(secretariat)

    content = client.get(reverse("notifications:tasks")).content.decode()

    assert f'href="{open_round.get_absolute_url()}?tilstand=godkendt">1 af 29 godkendt</a>' in (
        content
    )
    approved = client.get(f"{open_round.get_absolute_url()}?tilstand=godkendt")
    assert [r.municipality.code for r in approved.context["follow_up"].rows] == ["147"]


def test_the_round_page_links_others_to_the_submitted_answers(client, politician, open_round):
    _submit(open_round, ["101"])
    client.force_login(politician)

    content = client.get(open_round.get_absolute_url()).content.decode()

    heat_map = reverse("dashboards:heat_map", args=[open_round.framework.slug])
    assert (
        f'href="{heat_map}?runde={open_round.slug}">Se de indsendte svar på statuskortet</a>'
        in (content)
    )
    assert client.get(f"{heat_map}?runde={open_round.slug}").context["round"] == open_round


def test_the_overviews_counts_link_to_the_pages_that_list_them(client, politician, open_round):
    _submit(open_round, ["101"])
    client.force_login(politician)
    slug = open_round.framework.slug

    content = client.get(
        reverse("dashboards:overview", args=[slug]), {"runde": open_round.slug}
    ).content.decode()

    keep = f"?runde={open_round.slug}"
    heat_map = reverse("dashboards:heat_map", args=[slug])
    pilots = reverse("dashboards:pilots", args=[slug])
    assert f'<a class="stretched-link" href="{heat_map}{keep}">kommuner har indsendt</a>' in content
    assert f'<a class="stretched-link" href="{pilots}{keep}">aktive pilotprojekter</a>' in content

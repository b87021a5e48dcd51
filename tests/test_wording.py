"""Counts read as Danish: singular for one, plural otherwise; past rounds in the past tense."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from reporting.models import Report
from tests.factories import (
    FrameworkFactory,
    KKRFactory,
    MunicipalityFactory,
    ReportFactory,
    ReportingRoundFactory,
)

pytestmark = pytest.mark.django_db


def test_one_approved_report_is_singular(client, secretariat, open_round):
    Report.objects.filter(pk=open_round.reports.first().pk).update(status=Report.Status.APPROVED)
    client.force_login(secretariat)

    response = client.get(
        reverse("dashboards:overview", args=[open_round.framework.slug]),
        {"runde": open_round.slug},
    )

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "rapport er godkendt" in content
    assert "rapporter er godkendt" not in content


def test_an_opened_round_says_when_it_opened(client, secretariat, open_round):
    client.force_login(secretariat)

    content = client.get(open_round.get_absolute_url()).content.decode()

    assert "Åbnede 1. november 2026" in content
    assert "Åbner" not in content


def test_a_round_of_one_municipality_counts_it_in_the_singular(client, politician):
    kkr = KKRFactory()
    round_ = ReportingRoundFactory(framework=FrameworkFactory(kkr=kkr), status="open")
    ReportFactory(round=round_, municipality=MunicipalityFactory(kkr=kkr))
    client.force_login(politician)

    listing = client.get(reverse("reporting:round_list")).content.decode()
    detail = client.get(round_.get_absolute_url()).content.decode()

    assert "0 af 1 kommune har indsendt." in listing
    assert "0 af 1 kommune har indsendt og afventer godkendelse; 0 er godkendt." in detail
    assert "af 1 kommuner" not in listing + detail

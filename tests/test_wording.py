"""Counts read as Danish: singular for one, plural otherwise; past rounds in the past tense."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from reporting.models import Report

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

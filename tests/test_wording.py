"""Counts read as Danish: singular for one, plural otherwise; past rounds in the past tense."""

import re
from http import HTTPStatus
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from reporting.models import Report
from tests.factories import (
    FrameworkFactory,
    KKRFactory,
    MembershipFactory,
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


def _one_municipality_round(status=Report.Status.SUBMITTED):
    kkr = KKRFactory()
    round_ = ReportingRoundFactory(framework=FrameworkFactory(kkr=kkr), status="open")
    ReportFactory(round=round_, municipality=MunicipalityFactory(kkr=kkr), status=status)
    return round_


def test_the_overview_counts_one_municipality_in_the_singular(client, secretariat):
    round_ = _one_municipality_round()
    MembershipFactory(
        user=secretariat, role="secretariat", kkr=round_.framework.kkr, municipality=None
    )
    client.force_login(secretariat)

    content = client.get(
        reverse("dashboards:overview", args=[round_.framework.slug]), {"runde": round_.slug}
    ).content.decode()

    assert ">kommune har indsendt</a>" in content
    assert "kommuner har indsendt" not in content


def test_the_meeting_report_counts_one_municipality_in_the_singular(monkeypatch):
    from material import pdf
    from material.selectors import meeting_report

    round_ = _one_municipality_round()
    pages = []

    class Capture:
        def __init__(self, *, string):
            pages.append(string)

        def write_pdf(self, **kwargs):
            return b"%PDF"

    monkeypatch.setattr(pdf, "HTML", Capture)
    pdf.render_meeting_report(meeting_report(round_=round_))

    text = " ".join(pages[-1].split())
    assert "1 af 1 kommune har indsendt sin afrapportering" in text
    assert "af 1 kommuner" not in text


def test_a_job_of_one_step_says_step_in_the_singular():
    job = SimpleNamespace(
        pk=1,
        is_finished=True,
        status="done",
        attempts=0,
        message="",
        progress_done=1,
        progress_total=1,
        percent=100,
        result=None,
    )

    with translation.override("en"):
        html = render_to_string("jobs/_job_progress.html", {"job": job})

    assert "1 of 1 step (100 %)" in html


def test_the_framework_list_names_pilot_initiatives_and_leaves_out_none(
    client, secretariat, hovedstaden_framework
):
    from commitments.models import Initiative

    client.force_login(secretariat)
    pilots = Initiative.objects.filter(framework=hovedstaden_framework, kind="pilot").count()

    with_pilots = " ".join(
        client.get(reverse("commitments:framework_list")).content.decode().split()
    )
    Initiative.objects.filter(framework=hovedstaden_framework, kind="pilot").delete()
    without = " ".join(client.get(reverse("commitments:framework_list")).content.decode().split())

    assert f"· {pilots} pilotindsatser" in with_pilots
    assert f"{pilots} pilotprojekt" not in with_pilots
    assert "0 pilot" not in without


ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = [p for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "portal"]


def test_no_count_in_python_is_translated_without_plural_forms():
    singular_only = re.compile(r"(?<![n])(?:\b_|\bgettext|\bgettext_lazy)\(\s*\"[^\"]*%\(count\)s")
    found = [
        f"{path.relative_to(ROOT)}"
        for folder in SOURCE_DIRS
        for path in folder.rglob("*.py")
        if "migrations" not in path.parts and singular_only.search(path.read_text())
    ]

    assert found == []


def test_no_template_counts_with_a_list_length_or_count_outside_plural_forms():
    # `{% blocktranslate with n=things|length %}{{ n }} ting{% endblocktranslate %}` reads
    # "1 ting(e)" for one: counts go in `count counter=...` with a {% plural %}.
    block = re.compile(r"{%\s*blocktranslate(?P<head>[^%]*)%}", re.S)
    found = []
    for path in (ROOT / "templates").rglob("*"):
        if not path.is_file():
            continue
        for match in block.finditer(path.read_text()):
            head = match.group("head")
            bindings = head.split(" count ")[0]
            if re.search(r"\b(count|total)=|\|length\b", bindings):
                found.append(f"{path.relative_to(ROOT)}: {head.strip()[:60]}")

    assert found == []

"""Dates are typed and shown the Danish way, not in the browser's locale (issue 11, item 10)."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from core.forms import DanishDateField, parse_danish_date
from reporting.forms.rounds import ExtendDeadlineForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "15-12-2026",
        "15.12.2026",
        "15/12/2026",
        " 15-12-2026 ",
        "2026-12-15",
        "15. december 2026",
        "15 dec. 2026",
        "15. December 2026",
    ],
)
def test_danish_ways_of_writing_a_date_are_read(text):
    assert parse_danish_date(text) == datetime.date(2026, 12, 15)


@pytest.mark.parametrize(
    "text", ["12/15/2026", "31-02-2026", "15-12-26", "i morgen", "15. decembre 2026"]
)
def test_what_is_not_a_danish_date_is_not_guessed(text):
    assert parse_danish_date(text) is None


def test_the_field_is_a_text_input_showing_dd_mm_yyyy():
    field = DanishDateField(label="Frist")

    html = field.widget.render("frist", datetime.date(2026, 3, 1))

    assert 'type="text"' in html
    assert 'value="01-03-2026"' in html
    assert 'placeholder="dd-mm-åååå"' in html
    assert 'inputmode="numeric"' in html
    assert str(field.help_text) == "Skrives dd-mm-åååå, fx 15-12-2026."


def test_a_wrong_date_gets_a_danish_message_next_to_the_field():
    form = ExtendDeadlineForm({"deadline": "12/15/2026", "reason": "Byrådsmøde"})

    assert not form.is_valid()
    assert form.errors["deadline"] == ["Skriv datoen som dd-mm-åååå, fx 15-12-2026."]


def test_the_extend_deadline_page_shows_the_error_at_the_field(client, secretariat, own_report):
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:report_extend_deadline_form", args=[own_report.pk]),
        {"deadline": "den 15.", "reason": "Byrådsmøde"},
    )

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'id="id_deadline_error"' in html or "invalid-feedback" in html
    assert "Skriv datoen som dd-mm-åååå, fx 15-12-2026." in html
    assert 'aria-invalid="true"' in html

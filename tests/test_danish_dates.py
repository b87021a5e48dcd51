"""Dates are typed and shown the Danish way, not in the browser's locale (issue 11, item 10)."""

import datetime
import importlib
import importlib.util
import pkgutil
from http import HTTPStatus
from pathlib import Path

import django_filters
import pytest
from django import forms
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


def _project_forms():
    """Every form and filter class the portal's apps define (their modules imported)."""
    from django.apps import apps

    root = Path(__file__).resolve().parents[1]
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(root):
            continue
        for name in ("forms", "filters"):
            if importlib.util.find_spec(f"{config.name}.{name}") is not None:
                module = importlib.import_module(f"{config.name}.{name}")
                for submodule in pkgutil.iter_modules(getattr(module, "__path__", [])):
                    importlib.import_module(f"{config.name}.{name}.{submodule.name}")
    seen, pending = set(), [forms.BaseForm, django_filters.FilterSet]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                pending.append(sub)
    return sorted(
        (cls for cls in seen if cls.__module__.split(".")[0] in _APPS),
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


_APPS = {
    "accounts",
    "calls",
    "commitments",
    "core",
    "dashboards",
    "exports",
    "material",
    "meetings",
    "pilots",
    "reporting",
    "twofactor",
}


def _date_inputs(cls) -> list[tuple[str, type, object]]:
    """(name, field class, widget) of each of the class's fields. A filter's field is not
    built here: `Filter.field` caches it on the class's filter, whose queryset it would keep."""
    prefix = f"{cls.__module__}.{cls.__qualname__}"
    if issubclass(cls, forms.BaseForm):
        return [(f"{prefix}.{n}", type(f), f.widget) for n, f in cls.base_fields.items()]
    return [
        (f"{prefix}.{n}", f.field_class, f.extra.get("widget")) for n, f in cls.base_filters.items()
    ]


def test_every_date_input_of_every_form_is_a_danish_date_field():
    fields = [field for cls in _project_forms() for field in _date_inputs(cls)]
    dates = {name: kind for name, kind, _widget in fields if issubclass(kind, forms.DateField)}

    # The call's deadline and the report's "behandlet den" were browser-locale date inputs.
    assert "calls.forms.CallForm.deadline" in dates
    assert "reporting.forms.reports.ReportForm.council_date" in dates
    assert [name for name, kind in dates.items() if not issubclass(kind, DanishDateField)] == []
    assert not [
        name
        for name, _kind, widget in fields
        if getattr(widget, "input_type", "") in {"date", "datetime-local"}
    ]

"""The dashboards' municipality filter works on a phone; the pilot tab has no round selector
(issue 11, item 9)."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.test_dashboards import build_kkr

pytestmark = pytest.mark.django_db


def _url(name, framework, *args):
    return reverse(f"dashboards:{name}", args=[framework.slug, *args])


def test_the_municipalities_are_checkboxes_in_a_details_not_a_ctrl_click_list(client):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    client.force_login(secretariat)

    response = client.get(_url("heat_map", framework), {"kommune": [towns[1].code]})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<select multiple" not in html
    assert 'name="kommune" multiple' not in html
    assert "Ctrl" not in html
    details = html.split('<details class="checkbox-dropdown"')[1].split("</details>")[0]
    assert '<summary class="form-select form-select-sm">1 valgt</summary>' in details
    assert details.count('type="checkbox" name="kommune"') == 3
    assert re.search(rf'value="{towns[1].code}" id="id_kommune_1"[^>]* checked>', details)
    assert re.search(
        rf'value="{towns[0].code}" id="id_kommune_0"(?![^>]*checked)[^>]*><label', details
    )
    assert '<label class="form-check-label" for="id_kommune_0">' in details
    assert '<legend class="form-label fs-6 mb-2">Kommuner</legend>' in html


def test_no_municipality_chosen_says_all(client):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    client.force_login(secretariat)

    html = client.get(_url("changes", framework)).content.decode()

    assert '<summary class="form-select form-select-sm">alle</summary>' in html
    assert (
        " checked>"
        not in html.split('<details class="checkbox-dropdown"')[1].split("</details>")[0]
    )


def test_the_pilot_tab_has_no_round_selector_and_no_round_files(client):
    framework, rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=2, initiatives=2
    )
    client.force_login(secretariat)

    response = client.get(_url("pilots", framework), {"runde": rounds[0].slug})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    # The chosen round is kept for the other tabs' links, in a hidden field; nothing to choose.
    assert f'<input type="hidden" name="runde" value="{rounds[0].slug}"' in html
    assert '<select name="runde"' not in html
    assert "Runde</label>" not in html
    assert reverse("exports:round_xlsx", args=[rounds[0].slug]) not in html
    assert reverse("exports:round_xlsx", args=[rounds[1].slug]) not in html

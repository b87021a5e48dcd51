"""Dashboard filters (dashboards/filters.py) and coordinators' own drafts on the dashboards."""

import re
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.models import Membership
from dashboards.selectors import NOT_SUBMITTED
from reporting.models import Report, ReportEntry
from reporting.services.summaries import summaries_rebuild
from tests.factories import InitiativeFactory, MembershipFactory, ReportEntryFactory
from tests.pages import without_tokens
from tests.test_dashboards import build_kkr, politician_of

pytestmark = pytest.mark.django_db

Level = ReportEntry.ImplementationStatus
DRAFT_MARK = "Kladde – ikke indsendt"


def _url(name, framework, *args):
    return reverse(f"dashboards:{name}", args=[framework.slug, *args])


def _add_pilot(framework, rounds, towns, participations):
    """A pilot initiative in area 1 with an entry in every report: town i answers
    participations[i % len(participations)]."""
    block = framework.areas.get(number=1).blocks.first()
    pilot = InitiativeFactory(block=block, pilot=True, code="1.P1")
    for round_ in rounds:
        for i, town in enumerate(towns):
            ReportEntryFactory(
                report=Report.objects.get(round=round_, municipality=town),
                initiative=pilot,
                position=100,
                status=None,
                participation=participations[i % len(participations)],
            )
    return pilot


def _coordinator(town):
    return MembershipFactory(role=Membership.Role.COORDINATOR, municipality=town).user


# --- each filter, valid ---------------------------------------------------------------------


def test_area_filter_narrows_every_page_that_has_it(client):
    framework, rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=2, initiatives=4
    )
    ReportEntry.objects.filter(report__round=rounds[1], area_number=1).update(status=Level.EMBEDDED)
    ReportEntry.objects.filter(report__round=rounds[1], area_number=2).update(status=Level.PLANNED)
    summaries_rebuild()  # as every service that writes entries keeps them
    client.force_login(secretariat)
    area_one = {"omraade": "1"}

    heat = client.get(_url("heat_map", framework), area_one).context["grid"]
    overview = client.get(_url("overview", framework), area_one).context["overview"]
    trends = client.get(_url("trend", framework), area_one).context["trends"]
    changes = client.get(_url("changes", framework), area_one).context["changes"]
    profile = client.get(_url("municipality", framework, towns[0].code), area_one).context["rows"]

    assert {c.area_number for c in heat.columns} == {1}
    assert [a.number for a in overview.areas] == [1]
    assert [t.number for t in trends] == [1]
    moved = {mv.code for m in changes.municipalities for mv in m.movements}
    assert moved
    assert all(code.startswith("1.") for code in moved)
    assert {r.area_number for r in profile} == {1}


def test_kind_filter_shows_pilot_participation_on_heat_map_and_profile(client):
    framework, rounds, towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    pilot = _add_pilot(framework, rounds, towns, ["lead", "considering"])
    client.force_login(secretariat)
    heat_url = _url("heat_map", framework)

    mandatory = client.get(heat_url).context["grid"]
    pilots = client.get(heat_url, {"type": "pilot"})
    both = client.get(heat_url, {"type": "alle"}).context["grid"]
    profile = client.get(_url("municipality", framework, towns[0].code), {"type": "pilot"})

    assert pilot.code not in {c.code for c in mandatory.columns}
    assert [c.code for c in pilots.context["grid"].columns] == [pilot.code]
    row = next(r for r in pilots.context["grid"].rows if r.code == towns[0].code)
    assert row.levels == [(pilot.code, "lead")]
    html = pilots.content.decode()
    assert f'aria-label="{pilot.code}: Tovholder">★</a>' in html
    assert "Tovholder" in html  # the legend, in words
    assert {c.code for c in both.columns} == {c.code for c in mandatory.columns} | {pilot.code}
    assert [(r.code, r.levels[0][1]) for r in profile.context["rows"]] == [(pilot.code, "lead")]
    assert "★" in profile.content.decode()


def test_municipality_filter_takes_several_municipalities(client):
    framework, _rounds, towns, items, secretariat = build_kkr(
        municipalities=4, rounds=1, initiatives=2
    )
    client.force_login(secretariat)
    chosen = {"kommune": [towns[1].code, towns[3].code]}

    grid = client.get(_url("heat_map", framework), chosen).context["grid"]
    roads = client.get(_url("initiative", framework, items[0].code), chosen).context["roads"]

    assert {r.code for r in grid.rows} == {towns[1].code, towns[3].code}
    assert {r.code for r in roads} == {towns[1].code, towns[3].code}


def test_changes_filtered_by_municipality_show_only_its_movements_and_pilots(client):
    from tests.factories import PilotProjectFactory

    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=2, initiatives=2
    )
    pilot_initiative = InitiativeFactory(
        block=framework.areas.get(number=1).blocks.first(), pilot=True
    )
    own = PilotProjectFactory(initiative=pilot_initiative, lead_municipality=towns[0])
    PilotProjectFactory(initiative=pilot_initiative, lead_municipality=towns[1])
    client.force_login(secretariat)

    response = client.get(_url("changes", framework), {"kommune": towns[0].code})

    assert {m.code for m in response.context["changes"].municipalities} == {towns[0].code}
    assert response.context["new_pilots"] == [own]


def test_status_filter_and_sort_order(client):
    framework, _rounds, _towns, items, secretariat = build_kkr(
        municipalities=5, rounds=1, initiatives=3
    )
    client.force_login(secretariat)

    roads = client.get(_url("initiative", framework, items[0].code), {"status": "2"}).context
    by_name = client.get(_url("heat_map", framework), {"sortering": "navn"}).context["grid"]

    assert {r.level for r in roads["roads"]} == {Level.IN_PROGRESS}
    assert [r.municipality for r in by_name.rows] == sorted(r.municipality for r in by_name.rows)


# --- invalid values: a Danish error next to the field, the field's default -----------------


@pytest.mark.parametrize(
    ("page", "params", "field", "message"),
    [
        (
            "heat_map",
            {"omraade": "9"},
            "omraade",
            "Rammepapiret har intet målsætningsområde »9«. Alle områder vises.",
        ),
        (
            "overview",
            {"omraade": "to"},
            "omraade",
            "Rammepapiret har intet målsætningsområde »to«. Alle områder vises.",
        ),
        (
            "heat_map",
            {"type": "valgfri"},
            "type",
            "Vælg forpligtende, pilot eller alle, ikke »valgfri«. De forpligtende indsatser vises.",
        ),
        (
            "heat_map",
            {"kommune": ["101"]},
            "kommune",
            "»101« er ikke koden på en kommune i KKR'et. Alle kommuner vises.",
        ),
        (
            "heat_map",
            {"sortering": "tilfældig"},
            "sortering",
            "Sortér efter navn eller fremdrift, ikke »tilfældig«. Der sorteres efter kommune.",
        ),
        (
            "trend",
            {"runde": "findes-ikke"},
            "runde",
            "Der er ingen runde »findes-ikke« under rammepapiret. Den nyeste runde vises.",
        ),
        (
            "initiative",
            {"status": "7"},
            "status",
            "Status skal være et tal fra 0 til 4, ikke »7«. Alle svar vises.",
        ),
    ],
)
def test_invalid_value_shows_a_danish_error_by_the_field_and_the_default(
    client, page, params, field, message
):
    framework, rounds, _towns, items, secretariat = build_kkr(
        municipalities=3, rounds=2, initiatives=4
    )
    client.force_login(secretariat)
    args = [items[0].code] if page == "initiative" else []
    default = client.get(_url(page, framework, *args))

    response = client.get(_url(page, framework, *args), params)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'id="id_{field}_error" class="invalid-feedback' in html
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error" aria-invalid="true"', html)
    assert message.replace("'", "&#x27;") in html
    assert response.context["round"] == rounds[-1]
    for name in ("grid", "overview", "trends", "roads"):
        if name in default.context:
            assert response.context[name] == default.context[name]


def test_invalid_values_never_fail_the_page(client):
    framework, _rounds, towns, items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    client.force_login(secretariat)
    junk = {
        "runde": "<script>",
        "omraade": ["x", "1"],
        "type": "",
        "status": "-1",
        "kommune": ["", "abc"],
        "sortering": "1",
        "kladder": "ja",
    }

    for page, args in [
        ("overview", []),
        ("heat_map", []),
        ("initiative", [items[0].code]),
        ("municipality", [towns[0].code]),
        ("trend", []),
        ("changes", []),
        ("handout_pdf", []),
    ]:
        response = client.get(_url(page, framework, *args), junk)
        assert response.status_code == HTTPStatus.OK, page
        assert b"<script>" not in response.content


def test_each_page_shows_only_its_own_fields(client):
    framework, _rounds, towns, items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    client.force_login(secretariat)

    def fields(page, *args):
        return list(client.get(_url(page, framework, *args)).context["filters"].form.fields)

    assert fields("overview") == ["runde", "omraade", "kladder"]
    assert fields("heat_map") == ["runde", "omraade", "type", "sortering", "kommune", "kladder"]
    assert fields("initiative", items[0].code) == ["runde", "status", "kommune", "kladder"]
    assert fields("municipality", towns[0].code) == ["runde", "omraade", "type", "kladder"]
    assert fields("trend") == ["runde", "omraade", "kladder"]
    assert fields("changes") == ["runde", "omraade", "kommune", "kladder"]
    client.force_login(politician_of(framework))
    assert fields("overview") == ["runde", "omraade"]  # drafts are the secretariat's switch


# --- bookmarkable addresses ---------------------------------------------------------------------


def test_filtered_address_round_trips_through_the_form_and_the_tab_links(client):
    framework, rounds, towns, _items, secretariat = build_kkr(
        municipalities=4, rounds=2, initiatives=4
    )
    client.force_login(secretariat)
    params = {
        "runde": rounds[0].slug,
        "omraade": "2",
        "type": "alle",
        "kommune": [towns[0].code, towns[2].code],
        "sortering": "fremdrift",
        "kladder": "1",
    }
    response = client.get(_url("heat_map", framework), params)
    links = response.context["links"]
    form = response.context["filters"].form

    # The form shows every chosen value, so submitting it gives the same address.
    assert {name: form[name].value() for name in params} == {
        **params,
        "kladder": True,
    }
    html = response.content.decode()
    assert f'<option value="{rounds[0].slug}" selected>' in html
    assert re.search(rf'name="kommune" value="{towns[2].code}"[^>]* checked>', html)
    # The heat map's own address brings back the same page.
    again = client.get(_url("heat_map", framework) + links["heat_map"])
    assert again.context["grid"] == response.context["grid"]
    assert parse_qs(urlsplit(links["heat_map"]).query) == {
        k: v if isinstance(v, list) else [v] for k, v in params.items()
    }
    # Other tabs keep what they read too, and drop the rest.
    assert parse_qs(links["overview"][1:]) == {
        "runde": [rounds[0].slug],
        "omraade": ["2"],
        "kladder": ["1"],
    }
    assert parse_qs(links["changes"][1:]) == {
        "runde": [rounds[0].slug],
        "omraade": ["2"],
        "kommune": [towns[0].code, towns[2].code],
        "kladder": ["1"],
    }
    assert f'href="{_url("overview", framework)}{links["overview"].replace("&", "&amp;")}"' in html


def test_links_drop_invalid_values(client):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    client.force_login(secretariat)

    response = client.get(_url("heat_map", framework), {"omraade": "9", "type": "pilot"})

    assert response.context["links"]["heat_map"] == "?type=pilot"
    assert response.context["links"]["overview"] == ""


def test_filtered_figures_are_cached_under_their_own_key(client):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=4
    )
    client.force_login(secretariat)
    url = _url("overview", framework)

    everything = client.get(url)
    area_two = client.get(url, {"omraade": "2"})
    everything_again = client.get(url)  # the kept page (dashboards/cache.py)

    assert [a.number for a in everything.context["overview"].areas] == [1, 2]
    assert [a.number for a in area_two.context["overview"].areas] == [2]
    assert without_tokens(everything_again) == without_tokens(everything)
    assert without_tokens(area_two) != without_tokens(everything)


# --- query counts of filtered pages ---------------------------------------------------------

# session, user (memberships in memory since the sign-in), the page's key
# (dashboards/cache.py), framework, rounds, participation; the form's choices: the areas
# (pages with omraade) and the KKR's municipalities (pages with kommune); the page's own
# queries as in tests/test_dashboards.py.
FILTERED_PAGES = {
    # areas; report counts, area counts, pilots
    "overview": ({"omraade": "1"}, 6 + 1 + 3),
    # areas, municipalities; the grid's columns and cells
    "heat_map": (
        {"omraade": "1", "type": "alle", "kommune": "TOWNS", "sortering": "fremdrift"},
        6 + 2 + 2,
    ),
    # municipalities; the initiative, entries with municipality, their methods
    "initiative": ({"status": "2", "kommune": "TOWNS"}, 6 + 1 + 3),
    # areas; the municipality, levels, KKR averages, pilots, political answers
    "municipality": ({"omraade": "1", "type": "alle"}, 6 + 1 + 5),
    # areas; the averages
    "trend": ({"omraade": "2"}, 6 + 1 + 1),
    # areas, municipalities; entries of both rounds, new pilots
    "changes": ({"omraade": "1", "kommune": "TOWNS"}, 6 + 2 + 2),
}


@pytest.mark.parametrize("page", FILTERED_PAGES)
@pytest.mark.parametrize(
    "size",
    [
        {"municipalities": 5, "rounds": 2, "initiatives": 10},
        {"municipalities": 30, "rounds": 3, "initiatives": 24},
    ],
    ids=["small", "large"],
)
def test_filtered_page_query_count_does_not_grow_with_data(
    client, django_assert_num_queries, page, size
):
    framework, rounds, towns, items, secretariat = build_kkr(**size)
    _add_pilot(framework, rounds, towns, ["participating", "no"])
    client.force_login(secretariat)
    params, expected = FILTERED_PAGES[page]
    params = {k: [t.code for t in towns[:3]] if v == "TOWNS" else v for k, v in params.items()}
    args = {"initiative": [items[0].code], "municipality": [towns[0].code]}.get(page, [])

    with django_assert_num_queries(expected):
        response = client.get(_url(page, framework, *args), params)

    assert response.status_code == HTTPStatus.OK
    assert not response.context["filters"].form.errors


# --- coordinators' own drafts ----------------------------------------------------------------


@pytest.fixture
def drafted():
    """Three municipalities; the first one's report in the newest round is a returned draft
    with a level and a narrative no one else may see yet."""
    framework, rounds, towns, items, secretariat = build_kkr(
        municipalities=3, rounds=2, initiatives=4
    )
    report = Report.objects.get(round=rounds[-1], municipality=towns[0])
    report.status = Report.Status.RETURNED
    report.save()
    report.entries.update(status=Level.EMBEDDED, narrative="Hemmelig kladdetekst om Åben Dialog.")
    summaries_rebuild()  # as every service that writes entries keeps them
    return framework, rounds, towns, items, secretariat


def _pages(framework, towns, items):
    return {
        "heat_map": _url("heat_map", framework),
        "municipality": _url("municipality", framework, towns[0].code),
        "initiative": _url("initiative", framework, items[0].code),
        "overview": _url("overview", framework),
        "trend": _url("trend", framework),
        "changes": _url("changes", framework),
    }


def test_coordinator_sees_own_draft_marked_but_figures_count_only_submitted(client, drafted):
    framework, _rounds, towns, items, _secretariat = drafted
    pages = _pages(framework, towns, items)
    client.force_login(politician_of(framework))
    shared = {name: client.get(url).context for name, url in pages.items()}
    client.force_login(_coordinator(towns[0]))

    heat = client.get(pages["heat_map"])
    profile = client.get(pages["municipality"])
    initiative = client.get(pages["initiative"])

    row = next(r for r in heat.context["grid"].rows if r.code == towns[0].code)
    assert row.draft
    assert {level for _code, level in row.levels} == {Level.EMBEDDED}
    assert DRAFT_MARK in heat.content.decode()
    assert all(r.draft for r in profile.context["rows"])
    assert all(r.levels[-1][1] == Level.EMBEDDED for r in profile.context["rows"])
    assert DRAFT_MARK in profile.content.decode()
    assert [d.code for d in initiative.context["own_drafts"]] == [towns[0].code]
    assert towns[0].code not in {r.code for r in initiative.context["roads"]}
    assert "Hemmelig kladdetekst" in initiative.content.decode()
    assert DRAFT_MARK in initiative.content.decode()
    # Aggregates: the same as for everyone else.
    assert [r.kkr_average for r in profile.context["rows"]] == [
        r.kkr_average
        for r in client.get(_url("municipality", framework, towns[1].code)).context["rows"]
    ]
    assert client.get(pages["overview"]).context["overview"] == shared["overview"]["overview"]
    assert client.get(pages["trend"]).context["trends"] == shared["trend"]["trends"]
    assert client.get(pages["changes"]).context["changes"] == shared["changes"]["changes"]


@pytest.mark.parametrize("viewer", ["other_coordinator", "politician", "secretariat"])
def test_others_get_no_draft_data_even_after_the_coordinator_filled_the_cache(
    client, drafted, viewer
):
    framework, _rounds, towns, items, secretariat = drafted
    pages = _pages(framework, towns, items)
    client.force_login(_coordinator(towns[0]))
    for url in pages.values():
        client.get(url)  # the coordinator's visit fills the cache
    other = {
        "other_coordinator": lambda: _coordinator(towns[1]),
        "politician": lambda: politician_of(framework),
        "secretariat": lambda: secretariat,
    }[viewer]()
    client.force_login(other)

    # Their first visits render the pages (from the figures the coordinator's visit cached)...
    row = next(
        r for r in client.get(pages["heat_map"]).context["grid"].rows if r.code == towns[0].code
    )
    assert {level for _code, level in row.levels} == {NOT_SUBMITTED}
    assert not row.draft
    profile = client.get(pages["municipality"]).context["rows"]
    assert profile
    # The coordinator's round says "Ikke indsendt" to everyone else.
    assert all(r.levels[-1][1] == NOT_SUBMITTED and not r.draft for r in profile)
    # ... and what they are then served (kept whole, dashboards/cache.py) has no draft either.
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert DRAFT_MARK not in html, name
        assert "Hemmelig kladdetekst" not in html, name


def test_own_draft_follows_the_page_filters(client, drafted):
    framework, _rounds, towns, _items, _secretariat = drafted
    client.force_login(_coordinator(towns[0]))
    url = _url("heat_map", framework)

    other_town = client.get(url, {"kommune": towns[1].code}).context["grid"]
    area_two = client.get(url, {"omraade": "2"}).context["grid"]

    assert [r.code for r in other_town.rows] == [towns[1].code]
    assert not any(r.draft for r in other_town.rows)
    own = next(r for r in area_two.rows if r.code == towns[0].code)
    assert own.draft
    assert [code for code, _level in own.levels] == [c.code for c in area_two.columns]


def test_submitted_report_is_not_marked_as_draft(client, drafted):
    framework, rounds, towns, _items, _secretariat = drafted
    Report.objects.filter(round=rounds[-1], municipality=towns[0]).update(
        status=Report.Status.SUBMITTED
    )
    client.force_login(_coordinator(towns[0]))

    response = client.get(_url("heat_map", framework))

    assert DRAFT_MARK not in response.content.decode()
    row = next(r for r in response.context["grid"].rows if r.code == towns[0].code)
    assert not row.draft
    assert {level for _code, level in row.levels} == {Level.EMBEDDED}


# The coordinator's extra queries: the heat map reads the own draft rows (the grid's two
# queries, never cached); the initiative page reads the own draft entry and its methods (two);
# the profile reads the draft inside its usual queries (its figures are keyed by municipality).
COORDINATOR_PAGES = {
    "heat_map": 6 + 2 + 2 + 2,
    "initiative": 6 + 1 + 3 + 2,
    "municipality": 6 + 1 + 5,
}


@pytest.mark.parametrize("page", COORDINATOR_PAGES)
@pytest.mark.parametrize(
    "size",
    [
        {"municipalities": 5, "rounds": 1, "initiatives": 10},
        {"municipalities": 30, "rounds": 3, "initiatives": 24},
    ],
    ids=["small", "large"],
)
def test_coordinator_page_with_own_draft_query_count_does_not_grow_with_data(
    client, django_assert_num_queries, page, size
):
    framework, rounds, towns, items, _secretariat = build_kkr(**size)
    Report.objects.filter(round=rounds[-1], municipality=towns[0]).update(
        status=Report.Status.DRAFT
    )
    client.force_login(_coordinator(towns[0]))
    args = {"initiative": [items[0].code], "municipality": [towns[0].code]}.get(page, [])

    with django_assert_num_queries(COORDINATOR_PAGES[page]):
        response = client.get(_url(page, framework, *args))

    assert response.status_code == HTTPStatus.OK
    assert DRAFT_MARK in response.content.decode()


def test_filter_errors_and_labels_are_translated(client, settings):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(_url("heat_map", framework), {"omraade": "9"}).content.decode()

    assert "The framework has no strategic area “9”. All areas are shown." in html
    assert "Strategic area" in html
    assert "Mandatory initiatives" in html

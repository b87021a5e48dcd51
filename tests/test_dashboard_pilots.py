"""The pilot overview dashboard: projects by initiative, and who takes part in what."""

import datetime
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from commitments.models import Framework
from pilots.models import PilotParticipation, PilotProject
from reporting.models import ReportingRound
from tests.factories import (
    InitiativeFactory,
    PilotParticipationFactory,
    PilotProjectFactory,
)
from tests.test_dashboards import build_kkr, politician_of

pytestmark = pytest.mark.django_db


def pilot_initiatives(framework, count):
    """Pilot initiatives in the framework's first block, in code order."""
    block = framework.areas.order_by("number").first().blocks.first()
    return [
        InitiativeFactory(block=block, pilot=True, code=f"1.P{n + 1}", order=100 + n)
        for n in range(count)
    ]


def url(framework, **params):
    path = reverse("dashboards:pilots", args=[framework.slug])
    return f"{path}?{'&'.join(f'{k}={v}' for k, v in params.items())}" if params else path


def test_projects_are_listed_under_their_initiative_in_code_order(client):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=1
    )
    first, second, _empty = pilot_initiatives(framework, 3)
    later = PilotProjectFactory(initiative=second, title="Bostøtte", lead_municipality=towns[1])
    earlier = PilotProjectFactory(initiative=first, title="Akuttilbud", lead_municipality=towns[0])
    client.force_login(secretariat)

    response = client.get(url(framework))

    groups = response.context["pilots"].initiatives
    assert [g.code for g in groups] == ["1.P1", "1.P2", "1.P3"]
    assert [[e.project for e in g.entries] for g in groups] == [[earlier], [later], []]
    html = response.content.decode()
    assert "Ingen projekter endnu" in html
    assert f'href="{earlier.get_absolute_url()}"' in html


def test_area_and_municipality_filters_narrow_initiatives_projects_and_grid(client):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=1
    )
    (in_area_one,) = pilot_initiatives(framework, 1)
    in_area_two = InitiativeFactory(
        block=framework.areas.get(number=2).blocks.first(), pilot=True, code="2.P1", order=100
    )
    led = PilotProjectFactory(initiative=in_area_one, lead_municipality=towns[0])
    joined = PilotProjectFactory(initiative=in_area_one, lead_municipality=towns[1])
    PilotParticipationFactory(project=joined, municipality=towns[0])
    PilotProjectFactory(initiative=in_area_one, lead_municipality=towns[2])
    PilotProjectFactory(initiative=in_area_two, lead_municipality=towns[0])
    client.force_login(secretariat)

    response = client.get(url(framework, omraade=1, kommune=towns[0].code))

    overview = response.context["pilots"]
    assert [g.code for g in overview.initiatives] == ["1.P1"]
    assert {e.project for e in overview.columns} == {led, joined}
    assert [row.code for row in overview.rows] == [towns[0].code]
    assert f"?omraade=1&amp;kommune={towns[0].code}" in response.content.decode()


def test_politician_sees_the_lead_and_accepted_participants_but_no_invitations(client):
    framework, _rounds, towns, _items, _secretariat = build_kkr(
        municipalities=4, rounds=1, initiatives=1
    )
    (initiative,) = pilot_initiatives(framework, 1)
    project = PilotProjectFactory(initiative=initiative, lead_municipality=towns[0])
    PilotParticipationFactory(project=project, municipality=towns[1])
    PilotParticipationFactory(
        project=project, municipality=towns[2], status=PilotParticipation.Status.INVITED
    )
    PilotParticipationFactory(
        project=project, municipality=towns[3], status=PilotParticipation.Status.DECLINED
    )
    client.force_login(politician_of(framework))

    response = client.get(url(framework))

    (entry,) = response.context["pilots"].columns
    assert entry.participants == [towns[1]]
    assert entry.municipality_count == 2
    roles = {row.code: row.roles for row in response.context["pilots"].rows}
    assert roles == {
        towns[0].code: ["lead"],
        towns[1].code: ["participant"],
        towns[2].code: [""],
        towns[3].code: [""],
    }
    # The projects' cards: after the filter form (which lists every municipality), before the grid.
    card = response.content.decode().split('id="grid-heading"')[0].split("</form>")[-1]
    assert towns[1].name in card
    assert towns[2].name not in card
    assert towns[3].name not in card


def test_grid_marks_lead_and_participants_and_counts_rows_and_columns(client):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=1
    )
    first, second = pilot_initiatives(framework, 2)
    shared = PilotProjectFactory(initiative=first, title="A-projekt", lead_municipality=towns[0])
    PilotParticipationFactory(project=shared, municipality=towns[1])
    PilotParticipationFactory(project=shared, municipality=towns[2])
    alone = PilotProjectFactory(initiative=second, title="B-projekt", lead_municipality=towns[1])
    client.force_login(secretariat)

    response = client.get(url(framework))

    pilots = response.context["pilots"]
    assert [e.project for e in pilots.columns] == [shared, alone]
    assert [(r.code, r.roles, r.count) for r in pilots.rows] == [
        (towns[0].code, ["lead", ""], 1),
        (towns[1].code, ["participant", "lead"], 2),
        (towns[2].code, ["participant", ""], 1),
    ]
    assert [e.municipality_count for e in pilots.columns] == [3, 1]
    assert pilots.taking_part == 3
    html = response.content.decode()
    assert html.count('scope="colgroup" colspan="1"') == 2
    assert '<td class="pilot-lead"><span aria-hidden="true">A</span>' in html
    assert '<span class="visually-hidden">Ansvarlig kommune</span>' in html
    assert '<td class="pilot-participant"><span aria-hidden="true">D</span>' in html
    assert "Kommuner pr. projekt" in html


def test_only_published_results_are_shown(client):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=1
    )
    (initiative,) = pilot_initiatives(framework, 1)
    PilotProjectFactory(
        initiative=initiative,
        lead_municipality=towns[0],
        results="Færre genindlæggelser. " * 40,
        results_published=True,
    )
    PilotProjectFactory(
        initiative=initiative,
        lead_municipality=towns[1],
        results="Foreløbige tal, ikke til deling.",
        results_published=False,
    )
    client.force_login(secretariat)

    html = client.get(url(framework)).content.decode()

    assert "Færre genindlæggelser. Færre" in html
    assert "Læs hele resultatet" in html
    assert "Foreløbige tal, ikke til deling." not in html
    assert "Endnu ikke delt" in html


def test_visitors_see_published_rounds_only_and_projects_with_shared_results(client):
    framework, rounds, towns, _items, _secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=1
    )
    (initiative,) = pilot_initiatives(framework, 1)
    shared = PilotProjectFactory(
        initiative=initiative,
        lead_municipality=towns[0],
        results="Det virker.",
        results_published=True,
    )
    hidden = PilotProjectFactory(initiative=initiative, lead_municipality=towns[1])
    assert client.get(url(framework)).status_code == HTTPStatus.NOT_FOUND

    ReportingRound.objects.filter(pk=rounds[0].pk).update(published_at=timezone.now())
    response = client.get(url(framework))

    assert response.status_code == HTTPStatus.OK
    assert [e.project for e in response.context["pilots"].columns] == [shared]
    html = response.content.decode()
    assert hidden.title not in html
    assert shared.title in html
    assert 'href="/pilotprojekter/' not in html  # the project pages need a login


def test_visitors_count_and_see_only_pilot_projects_with_shared_results_elsewhere(client):
    framework, rounds, towns, _items, _secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=1
    )
    (initiative,) = pilot_initiatives(framework, 1)
    shared = PilotProjectFactory(
        initiative=initiative, lead_municipality=towns[0], results_published=True
    )
    hidden = PilotProjectFactory(initiative=initiative, lead_municipality=towns[0])
    ReportingRound.objects.filter(pk=rounds[0].pk).update(published_at=timezone.now())

    overview = client.get(reverse("dashboards:overview", args=[framework.slug]))
    profile = client.get(reverse("dashboards:municipality", args=[framework.slug, towns[0].code]))

    assert overview.context["pilots"].projects == 1
    assert profile.context["pilots"] == [shared]
    assert hidden.title not in profile.content.decode()


def test_another_kkrs_secretariat_cannot_see_a_draft_frameworks_pilots(client, foreign_secretariat):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=1
    )
    Framework.objects.filter(pk=framework.pk).update(status=Framework.Status.DRAFT, adopted_on=None)

    client.force_login(foreign_secretariat)
    assert client.get(url(framework)).status_code == HTTPStatus.NOT_FOUND
    client.force_login(secretariat)
    assert client.get(url(framework)).status_code == HTTPStatus.OK


def test_links_keep_the_chosen_round(client):
    framework, rounds, towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=2, initiatives=1
    )
    (initiative,) = pilot_initiatives(framework, 1)
    PilotProjectFactory(initiative=initiative, lead_municipality=towns[0])
    client.force_login(secretariat)

    html = client.get(url(framework, runde=rounds[0].slug)).content.decode()

    assert "??" not in html
    profile = reverse("dashboards:municipality", args=[framework.slug, towns[0].code])
    assert f'href="{profile}?runde={rounds[0].slug}"' in html
    assert f'href="{url(framework)}?runde={rounds[0].slug}"' in html  # the tab


def test_page_reads_in_english(client):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=1
    )
    (initiative,) = pilot_initiatives(framework, 1)
    PilotProjectFactory(initiative=initiative, lead_municipality=towns[0])
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(url(framework)).content.decode()

    assert "Who takes part in what" in html
    assert "Projects by pilot initiative" in html
    assert '<td class="pilot-lead"><span aria-hidden="true">L</span>' in html
    assert "Municipalities per project" in html


SIZES = [
    {"projects": 2, "municipalities": 3, "initiatives": 1, "participants": 1},
    {"projects": 8, "municipalities": 20, "initiatives": 4, "participants": 5},
]


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
@pytest.mark.parametrize("viewer", ["secretariat", "politician"])
def test_query_count_does_not_grow_with_projects_or_municipalities(
    client, django_assert_num_queries, size, viewer
):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=size["municipalities"], rounds=2, initiatives=2
    )
    initiatives = pilot_initiatives(framework, size["initiatives"])
    for n in range(size["projects"]):
        project = PilotProjectFactory(
            initiative=initiatives[n % len(initiatives)],
            lead_municipality=towns[n % len(towns)],
            starts_on=datetime.date(2026, 1, 1),
            status=PilotProject.Status.RUNNING,
        )
        others = [t for t in towns if t != project.lead_municipality]
        for town in others[: size["participants"]]:
            PilotParticipationFactory(project=project, municipality=town)
        PilotParticipationFactory(
            project=project,
            municipality=others[-1],
            status=PilotParticipation.Status.INVITED,
        )
    client.force_login(secretariat if viewer == "secretariat" else politician_of(framework))

    # session, user (memberships in memory since the sign-in), the page's key
    # (dashboards/cache.py), framework, rounds, participation; the filter form's areas and
    # municipalities; pilot initiatives, projects with their initiative and lead, their
    # participations with municipality (prefetch), the KKR's municipalities
    with django_assert_num_queries(6 + 2 + 4):
        response = client.get(url(framework))

    assert response.status_code == HTTPStatus.OK
    assert len(response.context["pilots"].columns) == size["projects"]

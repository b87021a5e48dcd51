"""Every public page renders, in Danish, with the real framework."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from commitments.models import Framework, Initiative
from tests.factories import FrameworkFactory

pytestmark = pytest.mark.django_db


def test_home_page_is_danish_and_lists_adopted_frameworks(client, reference_data):
    response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert '<html lang="da">' in content
    assert "Kommunernes fælles forpligtelser på psykiatriområdet" in content
    assert "Kommunernes fælles rolle – udviklingen af det nære sundhedsvæsen" in content
    assert "Gå til hovedindhold" in content


def test_draft_framework_is_hidden_from_anonymous_visitors(client, reference_data):
    draft = Framework.objects.get(slug="midtjylland-psykiatri-kortlaegning")

    assert draft.status == Framework.Status.DRAFT
    assert draft.title not in client.get(reverse("home")).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_draft_framework_is_shown_to_its_own_secretariat_only(
    client, reference_data, foreign_secretariat, secretariat
):
    draft = Framework.objects.get(slug="midtjylland-psykiatri-kortlaegning")

    client.force_login(secretariat)  # KKR Hovedstaden
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

    client.force_login(foreign_secretariat)  # KKR Midtjylland
    response = client.get(draft.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    for track in ["Mestring", "Tidlig opsporing", "Samspil med civilsamfundet"]:
        assert track in response.content.decode()


def test_framework_page_groups_initiatives_by_area_block_and_kind(client, reference_data):
    framework = Framework.objects.get(slug="hovedstaden-psykiatri")

    response = client.get(framework.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    for area in framework.areas.all():
        assert f"{area.number}. {area.title}" in content
    assert "Børn og unge som særligt indsatsområde" in content
    assert (
        content.count('class="badge badge-mandatory"') == framework.initiatives.mandatory().count()
    )
    assert content.count('class="badge badge-pilot"') == framework.initiatives.pilots().count()
    assert "implementering skal være påbegyndt i 2014–2016" in content
    areas = response.context["areas"]
    assert [len(a.blocks) for a in areas] == [2, 1, 1, 1]


def test_framework_page_query_count_is_constant(client, reference_data, django_assert_num_queries):
    framework = Framework.objects.get(slug="hovedstaden-psykiatri")
    # framework (with the one it revises), its revisions (decision 27), goals, areas, blocks,
    # initiatives (with their predecessors), methods (prefetch)
    with django_assert_num_queries(7):
        response = client.get(framework.get_absolute_url())
    assert response.status_code == HTTPStatus.OK


def test_framework_list_query_count(client, reference_data, django_assert_num_queries):
    FrameworkFactory.create_batch(5)
    # one annotated query for the frameworks with their KKR
    with django_assert_num_queries(1):
        response = client.get(reverse("commitments:framework_list"))
    assert response.status_code == HTTPStatus.OK


def test_initiative_page_shows_full_text_kind_and_neighbours(client, reference_data):
    initiative = Initiative.objects.get(framework__slug="hovedstaden-psykiatri", code="2.F3")

    response = client.get(initiative.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert initiative.text in content
    assert "Forpligtende" in content
    assert "Åben Dialog" in content
    assert response.context["previous"][0] == "2.F2"
    assert response.context["next"][0] == "2.P1"


def test_initiative_url_uses_framework_slug_and_code(reference_data):
    initiative = Initiative.objects.get(framework__slug="hovedstaden-psykiatri", code="1b.P1")

    assert initiative.get_absolute_url() == "/rammer/hovedstaden-psykiatri/indsatser/1b.P1/"


def test_unknown_initiative_code_is_not_found(client, reference_data):
    url = reverse("commitments:initiative_detail", args=["hovedstaden-psykiatri", "9.F9"])

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_municipality_list_groups_all_98_by_kkr(client, reference_data, django_assert_num_queries):
    # KKRs, then their municipalities (prefetch)
    with django_assert_num_queries(2):
        response = client.get(reverse("municipalities:municipality_list"))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert len(re.findall(r'href="/kommuner/[0-9]{3}/"', content)) == 98
    assert "KKR Hovedstaden" in content
    assert "29 kommuner" in content


def test_municipality_page_by_code(client, reference_data):
    response = client.get(reverse("municipalities:municipality_detail", args=["147"]))

    assert response.status_code == HTTPStatus.OK
    assert "Frederiksberg Kommune" in response.content.decode()
    assert "KKR Hovedstaden" in response.content.decode()


def test_unknown_municipality_code_is_not_found(client, reference_data):
    response = client.get(reverse("municipalities:municipality_detail", args=["999"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_pages_send_a_strict_content_security_policy(client, reference_data):
    policy = client.get(reverse("home"))["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_language_switch_to_english_sticks(client, reference_data):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )

    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Skip to main content" in content
    assert "Kommunernes fælles forpligtelser" not in content

    later = client.get(reverse("commitments:framework_list")).content.decode()
    assert "Frameworks" in later

    client.post(reverse("set_language"), {"language": "da", "next": reverse("home")})
    assert "Gå til hovedindhold" in client.get(reverse("home")).content.decode()


def test_pages_are_danish_whatever_the_browser_prefers(client, reference_data):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})

    assert '<html lang="da">' in response.content.decode()
    assert response["Content-Language"] == "da"


@pytest.mark.parametrize("frameworks", [0, 4])
def test_home_page_query_count_is_constant(
    client, coordinator, open_round, django_assert_num_queries, frameworks
):
    FrameworkFactory.create_batch(frameworks)
    client.force_login(coordinator)

    # session, user (memberships in memory since the sign-in); the coordinator's tasks: open
    # reports with round and municipality, invitations with projects; the frameworks with
    # their KKR
    with django_assert_num_queries(5):
        response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.OK
    assert len(response.context["frameworks"]) == 1 + frameworks

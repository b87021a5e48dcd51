"""What every page pays, made cheap and kept right: memberships in memory, the header rendered
once per user, whole dashboard pages kept (docs/decisions/0029-what-every-page-pays.md)."""

import re
from http import HTTPStatus

import pytest
from django.contrib.messages import INFO
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Membership, User
from pilots import services as pilot_services
from reporting.services import reports as report_services
from reporting.services import rounds as round_services
from tests.factories import MembershipFactory, PilotProjectFactory
from tests.pages import without_tokens
from tests.test_dashboards import build_kkr

pytestmark = pytest.mark.django_db


def _csrf_tokens(html: str) -> list[str]:
    marker = 'name="csrfmiddlewaretoken" value="'
    return [part.split('"', 1)[0] for part in html.split(marker)[1:]]


def test_memberships_are_read_once_until_they_change(
    client, coordinator, secretariat, django_assert_num_queries
):
    client.force_login(coordinator)
    url = reverse("commitments:framework_list")
    client.get(url)
    # session, user, the page's frameworks: the memberships are in memory
    with django_assert_num_queries(3):
        client.get(url)

    membership = coordinator.memberships.get()
    account_services.membership_revoke(actor=secretariat, membership=membership)

    html = client.get(url).content.decode()
    assert str(Membership.Role.COORDINATOR.label) not in html
    assert reverse("reporting:round_list") not in html  # no reporting work any more


def test_the_header_follows_a_role_given_after_it_was_kept(client, coordinator, hovedstaden):
    client.force_login(coordinator)
    url = reverse("commitments:framework_list")
    before = client.get(url).content.decode()
    assert str(Membership.Role.POLITICIAN.label) not in before

    MembershipFactory(
        user=coordinator, role=Membership.Role.POLITICIAN, kkr=hovedstaden, municipality=None
    )

    after = client.get(url).content.decode()
    assert f"{Membership.Role.POLITICIAN.label}, {hovedstaden}" in after


def test_the_kept_header_has_each_requests_own_token_address_and_section(client, coordinator):
    client.force_login(coordinator)
    frameworks = reverse("commitments:framework_list")
    first = client.get(frameworks, {"side": "1"}).content.decode()
    second = client.get(frameworks, {"side": "2"}).content.decode()
    towns = client.get(reverse("municipalities:municipality_list")).content.decode()

    assert f'value="{frameworks}?side=1"' in first
    assert f'value="{frameworks}?side=2"' in second
    assert client.cookies["csrftoken"].value
    assert all(_csrf_tokens(first))
    assert all(_csrf_tokens(second))
    assert "<!--" not in first.split("<main", 1)[0].split("<body", 1)[1]  # no marker left
    current = re.compile(rf'nav-link active"\s+aria-current="page"\s+href="{frameworks}"')
    assert current.search(first)
    assert not current.search(towns)


def _page_tokens(html: str) -> set[str]:
    return {*_csrf_tokens(html), *re.findall(r'X-CSRFToken": "([^"]+)"', html)}


def test_a_page_and_its_header_share_one_token_that_the_next_page_does_not(client, coordinator):
    """One masked token per response (each get_token() masks the secret with 32 random
    characters), new on every response as Django's BREACH mitigation wants."""
    client.force_login(coordinator)
    url = reverse("commitments:framework_list")

    first, second = client.get(url).content.decode(), client.get(url).content.decode()

    assert len(_csrf_tokens(first)) >= 2  # the header's sign-out and language forms
    assert len(_page_tokens(first)) == 1
    assert len(_page_tokens(second)) == 1
    assert _page_tokens(first) != _page_tokens(second)


def test_a_kept_page_and_its_header_share_one_token_of_their_own(client):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    client.force_login(secretariat)
    url = _overview(framework)

    computed = client.get(url)
    kept = client.get(url)

    assert "dashboards/overview.html" not in [t.name for t in kept.templates]
    tokens = _page_tokens(kept.content.decode())
    assert len(tokens) == 1
    assert tokens != _page_tokens(computed.content.decode())
    # The token is good for a form sent from the kept page.
    token = tokens.pop()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    response = csrf_client.post(
        reverse("set_language"), {"csrfmiddlewaretoken": token, "language": "en", "next": url}
    )
    assert response.status_code == HTTPStatus.FOUND


def test_a_visitor_gets_the_login_link_back_to_the_page(client, reference_data):
    url = reverse("commitments:framework_list")
    client.get(url)

    html = client.get(url, {"x": "1"}).content.decode()

    assert f'{reverse("accounts:login")}?next={url}"' in html


# --- whole dashboard pages ----------------------------------------------------------------------


def _overview(framework) -> str:
    return reverse("dashboards:overview", args=[framework.slug])


def test_a_kept_page_shows_each_viewer_their_own_header_and_token(client):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    colleague = MembershipFactory(
        user__full_name="Søren Kollega",
        role=Membership.Role.SECRETARIAT,
        kkr=framework.kkr,
        municipality=None,
    ).user
    url = _overview(framework)
    client.force_login(secretariat)
    first = client.get(url)
    client.force_login(colleague)

    kept = client.get(url)  # the same scope: the page the secretariat's visit kept

    assert "dashboards/overview.html" not in [t.name for t in kept.templates]
    assert "Søren Kollega" in kept.content.decode()
    assert secretariat.get_full_name() not in kept.content.decode()
    assert without_tokens(kept).replace("Søren Kollega", "") == without_tokens(first).replace(
        secretariat.get_full_name(), ""
    )
    assert kept.context["csrf_token"]  # the header's own, for this request


def test_a_page_is_kept_per_scope(client):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    politician = MembershipFactory(
        role=Membership.Role.POLITICIAN, kkr=framework.kkr, municipality=None
    ).user
    url = reverse("dashboards:heat_map", args=[framework.slug])
    client.force_login(secretariat)
    client.get(url)
    client.force_login(politician)

    response = client.get(url)

    assert "dashboards/heat_map.html" in [t.name for t in response.templates]  # rendered anew
    assert 'name="kladder"' not in response.content.decode()  # no drafts toggle for them


def test_a_kept_page_is_never_stale_after_a_report_changes(
    client, open_round, own_report, coordinator, secretariat
):
    client.force_login(secretariat)
    url = reverse("dashboards:heat_map", args=["hovedstaden-psykiatri"])
    before = client.get(url).content.decode()
    entries = [
        report_services.EntryData(
            entry_id=entry.pk,
            status=4 if entry.is_mandatory else None,
            narrative="Fuldt implementeret." if entry.is_mandatory else "",
            method_ids=frozenset(),
            other_methods="",
            next_steps="",
            links="",
            participation="" if entry.is_mandatory else "no",
            pilot_project_id=None,
        )
        for entry in own_report.entries.all()
    ]
    saved = report_services.report_save(
        actor=coordinator,
        report=own_report,
        expected_version=own_report.version,
        entries=entries,
        answers={},
        council_body="",
        council_date=None,
    )
    report_services.report_submit(actor=coordinator, report=saved, expected_version=saved.version)

    after = client.get(url)

    assert "dashboards/heat_map.html" in [t.name for t in after.templates]
    assert after.content.decode() != before


def test_a_kept_page_is_never_stale_after_a_pilot_project_changes(client, coordinator):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=2, initiatives=2
    )
    url = reverse("dashboards:pilots", args=[framework.slug])
    client.force_login(secretariat)
    client.get(url)
    project = PilotProjectFactory(
        initiative__block=framework.areas.get(number=1).blocks.first(),
        lead_municipality=towns[0],
        title="Et helt nyt akuttilbud",
    )
    assert "Et helt nyt akuttilbud" in client.get(url).content.decode()
    lead = MembershipFactory(municipality=towns[0]).user

    pilot_services.pilot_update(
        actor=lead,
        project=project,
        title="Akuttilbud med nyt navn",
        description=project.description,
        starts_on=None,
        ends_on=None,
        status=project.status,
        contact_name=project.contact_name,
        contact_email=project.contact_email,
        results="",
        results_published=False,
    )

    assert "Akuttilbud med nyt navn" in client.get(url).content.decode()


def test_a_page_with_a_message_is_neither_served_nor_kept(client):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    client.force_login(secretariat)
    url = _overview(framework)
    client.get(url)

    # A message waiting for the next page, as a redirect after an action leaves it.
    storage = CookieStorage(HttpRequest())
    client.cookies[storage.cookie_name] = storage._encode([Message(INFO, "Gemt til senere.")])
    with_message = client.get(url).content.decode()
    without = client.get(url).content.decode()

    assert "Gemt til senere." in with_message
    assert "Gemt til senere." not in without


def test_pages_are_computed_and_not_kept_when_the_cache_drops_everything(client, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # every entry expires at once: a miss every time
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    client.force_login(secretariat)
    url = _overview(framework)

    responses = [client.get(url) for _ in range(2)]

    assert [r.status_code for r in responses] == [HTTPStatus.OK, HTTPStatus.OK]
    assert all("dashboards/overview.html" in [t.name for t in r.templates] for r in responses)
    assert User.objects.get(pk=secretariat.pk).get_full_name() in responses[1].content.decode()


def test_a_role_removed_in_the_admin_is_gone_from_the_next_page(
    client, superuser, coordinator, own_municipality
):
    url = reverse("commitments:framework_list")
    client.force_login(coordinator)
    assert str(own_municipality) in client.get(url).content.decode()  # kept in memory now
    membership = coordinator.memberships.get()
    admin = Client()
    admin.force_login(superuser)

    response = admin.post(
        reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    html = client.get(url).content.decode()
    assert str(Membership.Role.COORDINATOR.label) not in html
    assert reverse("reporting:round_list") not in html


def test_a_kept_page_is_served_from_the_process_and_computed_again_after_a_change(
    client, django_assert_num_queries
):
    framework, rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    client.force_login(secretariat)
    url = _overview(framework)
    first = client.get(url)
    cache.clear()  # Redis has forgotten it; this process has not

    # session, user, the page's key: the kept page comes from the process's own memory
    with django_assert_num_queries(3):
        again = client.get(url)

    assert "dashboards/overview.html" not in [t.name for t in again.templates]
    assert without_tokens(again) == without_tokens(first)
    # A write of the round's reports (every service that writes one ends here).
    round_services.results_changed(round_id=rounds[0].pk, report_ids=[])
    changed = client.get(url)
    assert "dashboards/overview.html" in [t.name for t in changed.templates]


def test_a_kept_page_follows_the_rounds_publication_both_ways(client):
    framework, rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    client.force_login(secretariat)
    url = _overview(framework)
    unpublished = client.get(url).content.decode()

    round_services.round_publish(actor=secretariat, round_=rounds[0])
    published = client.get(url).content.decode()
    round_services.round_unpublish(actor=secretariat, round_=rounds[0])
    again = client.get(url).content.decode()

    unpublish_action = reverse("reporting:round_unpublish", args=[rounds[0].slug])
    assert unpublish_action not in unpublished
    assert unpublish_action in published
    assert unpublish_action not in again

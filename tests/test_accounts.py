"""Sign-in, invitations, role changes, deactivation and lock-out."""

import datetime
import re
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from post_office.models import STATUS, Email

from accounts.models import Membership, User
from accounts.tokens import invitation_token_generator
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://\S+/konto/invitation/\S+/")


@pytest.fixture
def invite(client, secretariat, django_capture_on_commit_callbacks):
    """Post the invitation form as the Hovedstaden secretariat, e-mails sent on commit."""

    def post(**data):
        client.force_login(secretariat)
        payload = {
            "email": "ny@kommune.dk",
            "full_name": "Nina Ny",
            "role": Membership.Role.COORDINATOR,
            "organisation": "municipality:151",
            **data,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:user_invite"), payload)

    return post


def test_login_with_email_and_password(client, coordinator):
    response = client.post(
        reverse("accounts:login"),
        {"username": coordinator.email.upper(), "password": TEST_PASSWORD},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("home")
    assert client.get(reverse("accounts:my_organisations")).status_code == HTTPStatus.OK


def test_wrong_password_is_refused_in_danish(client, coordinator):
    response = client.post(
        reverse("accounts:login"), {"username": coordinator.email, "password": "forkert"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Forkert e-mailadresse eller adgangskode." in response.content.decode()


def test_my_organisations_lists_every_role(client, reference_data):
    user = UserFactory()
    MembershipFactory(user=user, municipality_id=101)
    MembershipFactory(user=user, municipality_id=147)
    client.force_login(user)

    content = client.get(reverse("accounts:my_organisations")).content.decode()

    assert "København" in content
    assert "Frederiksberg" in content
    assert content.count("<td>Kommunal koordinator</td>") == 2


def test_the_invitation_is_danish_when_the_secretariat_reads_english(invite, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = invite()

    assert response.status_code == HTTPStatus.FOUND
    [message] = mail.outbox
    assert message.subject == "Du er inviteret til Psykiatriportalen"
    assert "Kommunal koordinator" in message.body
    assert "Venlig hilsen" in message.body


def test_secretariat_invites_a_new_coordinator_who_sets_a_password(invite, client, secretariat):
    response = invite()

    person = User.objects.get(email="ny@kommune.dk")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("accounts:user_list")
    assert not person.has_usable_password()
    assert person.memberships.get().municipality.name == "Ballerup"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Du er inviteret til Psykiatriportalen"
    assert "Kommunal koordinator" in mail.outbox[0].body

    link = LINK.search(mail.outbox[0].body).group(0)
    invitee = Client()
    path = link.removeprefix("http://127.0.0.1:8000")
    assert invitee.get(path).status_code == HTTPStatus.OK
    accepted = invitee.post(
        path, {"new_password1": "Sommer-i-Ballerup-77", "new_password2": "Sommer-i-Ballerup-77"}
    )
    assert accepted.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert person.check_password("Sommer-i-Ballerup-77")

    # The link works once only.
    reused = Client().get(path)
    assert reused.status_code == HTTPStatus.GONE
    assert "Invitationslinket er ugyldigt" in reused.content.decode()


def test_expired_invitation_link_is_refused(invite, client, secretariat, monkeypatch):
    invite()
    path = LINK.search(mail.outbox[0].body).group(0).removeprefix("http://127.0.0.1:8000")
    four_days_later = datetime.datetime.now() + datetime.timedelta(days=4)  # noqa: DTZ005
    monkeypatch.setattr(invitation_token_generator, "_now", lambda: four_days_later)

    response = Client().get(path)

    assert response.status_code == HTTPStatus.GONE


def test_invitation_to_existing_user_asks_them_to_accept(invite, client, secretariat, coordinator):
    invite(email=coordinator.email, full_name="Kim Kbh")

    assert coordinator.memberships.count() == 1
    assert "invitation/" not in mail.outbox[0].body
    assert "Mine organisationer" in mail.outbox[0].body
    client.force_login(coordinator)
    offer = coordinator.role_offers.get()
    page = client.get(reverse("accounts:my_organisations")).content.decode()
    assert "Invitationer til nye roller" in page
    client.post(reverse("accounts:role_offer_answer", args=[offer.pk]), {"answer": "accept"})
    assert coordinator.memberships.count() == 2
    assert not coordinator.role_offers.exists()


def test_secretariat_cannot_invite_into_another_kkr_even_by_crafting_the_post(
    invite, client, secretariat
):
    response = invite(organisation="municipality:751")  # Aarhus

    assert response.status_code == HTTPStatus.OK
    assert "Marker en gyldig valgmulighed." in response.content.decode()
    assert not User.objects.filter(email="ny@kommune.dk").exists()
    assert mail.outbox == []


def test_secretariat_role_needs_a_kkr(invite, client, secretariat):
    response = invite(role=Membership.Role.SECRETARIAT)

    assert "Vælg et KKR til en sekretariatsrolle." in response.content.decode()
    assert not User.objects.filter(email="ny@kommune.dk").exists()


def test_secretariat_changes_and_revokes_a_role(client, secretariat, coordinator):
    membership = coordinator.memberships.get()
    client.force_login(secretariat)

    client.post(
        reverse("accounts:membership_change_role", args=[membership.pk]),
        {"role": Membership.Role.POLITICIAN},
    )
    membership.refresh_from_db()
    assert membership.role == Membership.Role.POLITICIAN

    client.post(reverse("accounts:membership_revoke", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_deactivated_user_cannot_sign_in(client, secretariat, coordinator):
    client.force_login(secretariat)

    client.post(reverse("accounts:user_deactivate", args=[coordinator.pk]))

    coordinator.refresh_from_db()
    assert not coordinator.is_active
    response = Client().post(
        reverse("accounts:login"), {"username": coordinator.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == HTTPStatus.OK
    assert "Forkert e-mailadresse eller adgangskode." in response.content.decode()


def test_secretariat_cannot_deactivate_a_user_with_roles_in_another_kkr(
    client, secretariat, coordinator
):
    MembershipFactory(user=coordinator, municipality_id=751)  # Aarhus, KKR Midtjylland
    client.force_login(secretariat)

    response = client.post(reverse("accounts:user_deactivate", args=[coordinator.pk]), follow=True)

    coordinator.refresh_from_db()
    assert coordinator.is_active
    assert "Personen har også roller uden for dit KKR." in response.content.decode()


def test_user_list_shows_only_own_kkr(client, secretariat, coordinator, foreign_coordinator):
    client.force_login(secretariat)

    content = client.get(reverse("accounts:user_list")).content.decode()

    assert coordinator.email in content
    assert foreign_coordinator.email not in content


def test_user_list_query_count(client, secretariat, reference_data, django_assert_num_queries):
    for code in [101, 147, 151, 153, 155]:
        MembershipFactory(municipality_id=code)
    client.force_login(secretariat)
    # session, user (the user's memberships, for scope and header, are in memory since the
    # sign-in), users, their visible memberships (prefetch)
    with django_assert_num_queries(4):
        response = client.get(reverse("accounts:user_list"))
    assert response.status_code == HTTPStatus.OK


def test_lockout_after_repeated_failures_and_unlock(client, secretariat, coordinator, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"), {"username": coordinator.email, "password": "forkert"}
        )

    locked = client.post(
        reverse("accounts:login"), {"username": coordinator.email, "password": TEST_PASSWORD}
    )
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Kontoen er midlertidigt spærret" in locked.content.decode()

    manager = Client()
    manager.force_login(secretariat)
    detail = manager.get(reverse("accounts:user_detail", args=[coordinator.pk]))
    assert "Ophæv login-spærring" in detail.content.decode()
    manager.post(reverse("accounts:user_unlock", args=[coordinator.pk]))
    assert not AccessAttempt.objects.filter(username=coordinator.email).exists()

    unlocked = client.post(
        reverse("accounts:login"), {"username": coordinator.email, "password": TEST_PASSWORD}
    )
    assert unlocked.status_code == HTTPStatus.FOUND


def test_password_change_signs_out_other_sessions(client, coordinator):
    client.force_login(coordinator)
    elsewhere = Client()
    elsewhere.force_login(coordinator)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Nyt-og-langt-kodeord-9",
            "new_password2": "Nyt-og-langt-kodeord-9",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("accounts:my_organisations")).status_code == HTTPStatus.OK
    assert elsewhere.get(reverse("accounts:my_organisations")).status_code == HTTPStatus.FOUND


def test_password_reset_sends_a_danish_email_through_the_outbox(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": coordinator.email})

    assert [m.subject for m in mail.outbox] == ["Nulstil din adgangskode til Psykiatriportalen"]
    assert "/konto/nulstil/" in mail.outbox[0].body
    assert "Du (eller en anden) har bedt om at nulstille adgangskoden" in mail.outbox[0].body
    assert Email.objects.get().status == STATUS.sent


def test_session_expires_after_an_hour_of_inactivity():
    from portal import settings as production

    assert production.SESSION_COOKIE_AGE == 3600
    assert production.SESSION_RENEWAL_SECONDS == 60


def _session_cookie_sent(response) -> bool:
    return "sessionid" in response.cookies


def _session_expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_used_session_is_renewed_at_most_once_a_minute(
    client, coordinator, monkeypatch, settings
):
    settings.SESSION_RENEWAL_SECONDS = 60
    clock = [1_900_000_000.0]
    monkeypatch.setattr("core.middleware.time.time", lambda: clock[0])
    client.force_login(coordinator)
    client.get(reverse("accounts:my_organisations"))  # the first request renews
    renewed = _session_expiry(client)

    clock[0] += 30
    response = client.get(reverse("accounts:my_organisations"))
    assert not _session_cookie_sent(response)
    assert _session_expiry(client) == renewed

    clock[0] += 31
    response = client.get(reverse("accounts:my_organisations"))
    assert _session_cookie_sent(response)
    assert _session_expiry(client) > renewed


def test_an_anonymous_visit_creates_no_session(client):
    response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.OK
    assert not _session_cookie_sent(response)
    assert not Session.objects.exists()

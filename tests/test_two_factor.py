"""Two-factor login (issue #12, decision 0014): who must, setting it up, codes, the admin."""

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership
from tests.factories import TEST_PASSWORD
from twofactor import services

pytestmark = pytest.mark.django_db

SETUP = reverse("twofactor:setup")
VERIFY = reverse("twofactor:verify")


def _sign_in(user) -> Client:
    """The password step only, as a person does it."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    return client


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="App", confirmed=True)


@pytest.mark.parametrize("who", ["secretariat", "kl_secretariat", "superuser"])
def test_secretariats_and_administrators_are_sent_to_set_up_a_second_factor(request, who):
    user = request.getfixturevalue(who)
    client = _sign_in(user)

    for url in [reverse("home"), reverse("accounts:my_organisations"), "/drift/"]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response.url.startswith(SETUP), url


def test_a_coordinator_may_sign_in_with_the_password_alone(coordinator):
    client = _sign_in(coordinator)

    assert client.get(reverse("accounts:my_organisations")).status_code == HTTPStatus.OK


def test_a_coordinator_who_chose_a_second_factor_must_give_it(coordinator):
    _app(coordinator)
    client = _sign_in(coordinator)

    response = client.get(reverse("accounts:my_organisations"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(VERIFY)


def test_setting_up_the_app_shows_backup_codes_and_opens_the_portal(secretariat):
    client = _sign_in(secretariat)
    page = client.get(SETUP)
    assert page.status_code == HTTPStatus.OK
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=secretariat, confirmed=False)

    wrong = client.post(SETUP, {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "Koden er forkert eller udløbet." in wrong.content.decode()
    confirmed = client.post(SETUP, {"token": _code(device)})

    assert confirmed.status_code == HTTPStatus.OK
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", confirmed.content.decode())
    assert len(codes) == services.BACKUP_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:my_organisations")).status_code == HTTPStatus.OK


def test_the_app_code_is_the_second_step_of_signing_in(secretariat, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the throttle has its own test
    device = _app(secretariat)
    client = _sign_in(secretariat)
    target = reverse("accounts:my_organisations")

    sent = client.get(target)
    assert sent.url == f"{VERIFY}?next={target.replace('/', '%2F')}"
    refused = client.post(VERIFY, {"token": "12345", "next": target})
    assert refused.status_code == HTTPStatus.OK
    assert "Koden er forkert eller udløbet." in refused.content.decode()
    assert client.get(target).status_code == HTTPStatus.FOUND

    accepted = client.post(VERIFY, {"token": _code(device), "next": target})

    assert accepted.status_code == HTTPStatus.FOUND
    assert accepted.url == target
    assert client.get(target).status_code == HTTPStatus.OK


def test_guessing_codes_is_throttled(secretariat):
    device = _app(secretariat)
    client = _sign_in(secretariat)

    client.post(VERIFY, {"token": "12345"})
    right_code_at_once = client.post(VERIFY, {"token": _code(device)})

    assert right_code_at_once.status_code == HTTPStatus.OK
    assert client.get(reverse("home")).status_code == HTTPStatus.FOUND


def test_a_backup_code_works_once(secretariat):
    _app(secretariat)
    [code, *_rest] = services.backup_codes_renew(actor=secretariat)

    first = _sign_in(secretariat)
    assert first.post(VERIFY, {"token": code}).status_code == HTTPStatus.FOUND
    assert first.get(reverse("accounts:my_organisations")).status_code == HTTPStatus.OK

    again = _sign_in(secretariat)
    reused = again.post(VERIFY, {"token": code})
    assert reused.status_code == HTTPStatus.OK
    assert StaticToken.objects.filter(token=code).count() == 0


def test_the_app_cannot_be_replaced_with_the_password_alone(secretariat):
    _app(secretariat)
    client = _sign_in(secretariat)

    response = client.get(SETUP)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == VERIFY
    assert not TOTPDevice.objects.filter(user=secretariat, confirmed=False).exists()


def test_the_admin_is_refused_without_the_second_factor_and_left_admin(superuser):
    client = Client()
    client.unverified_login(superuser)

    refused = client.get("/drift/")
    assert refused.status_code == HTTPStatus.FOUND
    assert refused.url.startswith(SETUP)

    verified = Client()
    verified.force_login(superuser)
    assert verified.get("/drift/").status_code == HTTPStatus.OK
    assert verified.get("/admin/").status_code == HTTPStatus.NOT_FOUND


def test_the_admin_site_itself_asks_for_a_verified_session(superuser, rf):
    from django.contrib import admin

    request = rf.get("/drift/")
    request.user = superuser
    superuser.is_verified = lambda: False

    assert not admin.site.has_permission(request)


def test_an_invited_secretariat_member_sets_a_password_then_a_second_factor(
    client, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:user_invite"),
            {
                "email": "ny@kkr.dk",
                "full_name": "Nora Ny",
                "role": Membership.Role.SECRETARIAT,
                "organisation": f"kkr:{secretariat.memberships.get().kkr_id}",
            },
        )
    path = re.search(r"http://\S+(/konto/invitation/\S+/)", mail.outbox[0].body).group(1)
    invitee = Client()

    accepted = invitee.post(
        path, {"new_password1": "Sommer-i-Ballerup-77", "new_password2": "Sommer-i-Ballerup-77"}
    )
    home = invitee.get(accepted.url)

    assert home.status_code == HTTPStatus.FOUND
    assert home.url.startswith(SETUP)
    assert invitee.get(SETUP).status_code == HTTPStatus.OK


def test_the_lockout_still_holds_in_front_of_the_second_factor(secretariat, settings):
    _app(secretariat)
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": secretariat.email, "password": "x"})

    locked = client.post(
        reverse("accounts:login"), {"username": secretariat.email, "password": TEST_PASSWORD}
    )

    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert client.get(VERIFY).status_code == HTTPStatus.FOUND  # to the login page


def test_who_must_use_a_second_factor_is_asked_of_the_permission_layer(
    superuser, secretariat, kl_secretariat, coordinator, monkeypatch
):
    from accounts import permissions as account_permissions
    from twofactor import permissions

    assert [permissions.requires_two_factor(u) for u in (superuser, secretariat)] == [True, True]
    assert permissions.requires_two_factor(kl_secretariat)
    assert not permissions.requires_two_factor(coordinator)
    # A superuser without the staff flag is an administrator by the one rule that says so,
    # and only by it: the second-factor check tests no flag itself.
    superuser.is_staff = False
    assert permissions.has_elevated_role(superuser)
    monkeypatch.setattr(permissions, "is_administrator", lambda user: False)
    assert not permissions.has_elevated_role(superuser)
    assert account_permissions.is_administrator(superuser)

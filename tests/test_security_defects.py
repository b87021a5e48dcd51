"""Issue #12's defects 1, 2 and 3, each with the probe that found it."""

from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


# --- defect 1: the lock-out holds against every spelling of the address -----------------------


def _case_variants(email: str, count: int) -> list[str]:
    """Spellings of one address that differ only in case (and surrounding spaces)."""
    local, _at, domain = email.partition("@")
    variants = [email.upper(), email.title(), f"{local}@{domain.upper()}"]
    variants += [f"{local[:n].upper()}{local[n:]}@{domain.upper()}" for n in range(1, 4)]
    variants += [f"{local.capitalize()}@{domain[:n].upper()}{domain[n:]}" for n in range(1, 4)]
    variants.append(f"  {email.upper()}  ")
    return variants[:count]


def test_forty_failures_over_ten_case_variants_lock_the_account(client, coordinator):
    variants = _case_variants(coordinator.email, 10)
    assert len(set(variants)) == 10
    assert coordinator.email not in variants

    for attempt in range(40):
        client.post(
            reverse("accounts:login"),
            {"username": variants[attempt % 10], "password": "forkert"},
        )
    right_password = client.post(
        reverse("accounts:login"),
        {"username": coordinator.email.upper(), "password": TEST_PASSWORD},
    )

    assert right_password.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {coordinator.email}


def test_failures_from_many_addresses_lock_the_account_everywhere(client, coordinator, settings):
    for attempt in range(settings.ACCOUNT_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": coordinator.email, "password": "forkert"},
            REMOTE_ADDR=f"198.51.100.{attempt}",
        )

    fresh_address = client.post(
        reverse("accounts:login"),
        {"username": coordinator.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="203.0.113.1",
    )

    assert fresh_address.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_few_failures_from_one_address_do_not_lock_the_account_elsewhere(
    client, coordinator, settings
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": coordinator.email, "password": "forkert"},
            REMOTE_ADDR="198.51.100.1",
        )

    elsewhere = Client().post(
        reverse("accounts:login"),
        {"username": coordinator.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="203.0.113.1",
    )

    assert elsewhere.status_code == HTTPStatus.FOUND

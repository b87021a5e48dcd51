"""The main menu shows each role what it can use."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from calls.models import Call
from tests.factories import CallFactory, GroupMemberFactory

pytestmark = pytest.mark.django_db

TASKS = f'href="{reverse("notifications:tasks")}"'
ROUNDS = f'href="{reverse("reporting:round_list")}"'
PILOTS = f'href="{reverse("pilots:pilot_list")}"'


def _menu(client, user) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("commitments:framework_list"))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    return content[
        content.index('id="main-nav"') : content.index("</nav>", content.index('id="main-nav"'))
    ]


@pytest.mark.parametrize("role", ["coordinator", "secretariat", "superuser"])
def test_people_with_reporting_work_see_tasks_and_rounds(client, role, request):
    menu = _menu(client, request.getfixturevalue(role))

    assert TASKS in menu
    assert ROUNDS in menu
    assert PILOTS in menu


def test_politicians_see_no_tasks_or_rounds_they_cannot_use(client, politician):
    menu = _menu(client, politician)

    assert TASKS not in menu
    assert ROUNDS not in menu
    assert PILOTS in menu  # pilot projects are there to be read


def test_a_group_member_without_a_kkr_role_sees_tasks_but_no_rounds(client, reference_data):
    member = GroupMemberFactory().user

    menu = _menu(client, member)

    assert TASKS in menu
    assert ROUNDS not in menu
    response = client.get(reverse("notifications:tasks"))
    assert response.status_code == HTTPStatus.OK


def test_kl_secretariat_sees_tasks_but_no_rounds(client, kl_secretariat):
    menu = _menu(client, kl_secretariat)

    assert TASKS in menu
    assert ROUNDS not in menu


def test_visitors_see_the_public_pages_only(client, reference_data):
    menu = _menu(client, None)

    assert TASKS not in menu
    assert ROUNDS not in menu
    assert PILOTS not in menu


def test_an_addressee_finds_the_calls_in_a_menu_kept_before_the_call(client, coordinator):
    """The kept header follows the session's flag, not only the roles (MENU_KEYS)."""
    calls = f'href="{reverse("calls:call_list")}"'
    assert calls not in _menu(client, coordinator)
    call = CallFactory(status=Call.Status.OPEN, addressees=[coordinator])

    assert client.get(call.get_absolute_url()).status_code == HTTPStatus.OK

    assert calls in _menu(client, None)

"""The "Mine opgaver" page: what waits for coordinators, the secretariat and politicians."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from commitments.models import Framework, Initiative
from municipalities.models import Municipality
from pilots.models import PilotParticipation
from reporting.models import Report, ReportingRound
from tests.factories import (
    MembershipFactory,
    PilotParticipationFactory,
    PilotProjectFactory,
    ReportFactory,
    ReportingRoundFactory,
)

pytestmark = pytest.mark.django_db

TASKS = reverse("notifications:tasks")


@pytest.fixture
def framework(hovedstaden_framework) -> Framework:
    return hovedstaden_framework


def _round(framework, *, deadline, status=ReportingRound.Status.OPEN, **kwargs):
    return ReportingRoundFactory(
        framework=framework,
        status=status,
        opens_on=deadline - datetime.timedelta(days=60),
        deadline=deadline,
        **kwargs,
    )


def test_coordinator_sees_open_and_returned_reports_with_deadlines(
    client, coordinator, own_municipality, framework
):
    today = timezone.localdate()
    soon = _round(framework, deadline=today + datetime.timedelta(days=10), title="Runde A")
    late = _round(framework, deadline=today - datetime.timedelta(days=3), title="Runde B")
    closed = _round(
        framework,
        deadline=today + datetime.timedelta(days=5),
        status=ReportingRound.Status.CLOSED,
        title="Lukket runde",
    )
    draft = ReportFactory(round=soon, municipality=own_municipality)
    returned = ReportFactory(
        round=late,
        municipality=own_municipality,
        status=Report.Status.RETURNED,
        return_comment="Uddyb venligst indsats 2.F3.",
    )
    ReportFactory(round=closed, municipality=own_municipality)
    client.force_login(coordinator)

    response = client.get(TASKS)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    [group] = response.context["tasks"].municipalities
    assert [t.report for t in group.open_reports] == [returned, draft]  # earliest deadline first
    assert [t.days_left for t in group.open_reports] == [-3, 10]
    assert "Overskredet" in content
    assert "10 dage tilbage" in content
    assert "Uddyb venligst indsats 2.F3." in content
    assert draft.get_absolute_url() in content
    assert "Lukket runde" not in content
    assert "Ikke påbegyndt" in content


def test_effective_deadline_uses_the_extension(client, coordinator, own_municipality, framework):
    today = timezone.localdate()
    round_ = _round(framework, deadline=today - datetime.timedelta(days=1))
    ReportFactory(
        round=round_,
        municipality=own_municipality,
        deadline_override=today + datetime.timedelta(days=1),
        deadline_override_reason="Sygdom i teamet",
    )
    client.force_login(coordinator)

    content = client.get(TASKS).content.decode()

    assert "1 dag tilbage" in content
    assert "Overskredet" not in content


def test_submitted_report_is_no_task_but_is_mentioned(
    client, coordinator, own_municipality, framework
):
    round_ = _round(framework, deadline=timezone.localdate(), title="Runde C")
    ReportFactory(round=round_, municipality=own_municipality, submitted=True)
    client.force_login(coordinator)

    response = client.get(TASKS)

    [group] = response.context["tasks"].municipalities
    assert group.open_reports == []
    assert "Indsendt og venter på KKR-sekretariatet" in response.content.decode()


def test_pending_invitation_has_accept_and_decline_buttons(
    client, other_coordinator, own_municipality, other_municipality, framework
):
    project = PilotProjectFactory(
        initiative=Initiative.objects.get(framework=framework, code="2.P2"),
        lead_municipality=own_municipality,
        title="Fælles akuttilbud",
    )
    invitation = PilotParticipationFactory(
        project=project, municipality=other_municipality, status=PilotParticipation.Status.INVITED
    )
    PilotParticipationFactory(
        project=PilotProjectFactory(
            initiative=project.initiative, lead_municipality=own_municipality, title="Besvaret"
        ),
        municipality=other_municipality,
        status=PilotParticipation.Status.ACCEPTED,
    )
    client.force_login(other_coordinator)

    content = client.get(TASKS).content.decode()

    assert "Fælles akuttilbud" in content
    assert "Inviteret af København" in content
    assert reverse("pilots:pilot_respond", kwargs={"pk": invitation.pk}) in content
    assert 'value="accept"' in content
    assert 'value="decline"' in content
    assert "Besvaret" not in content


def test_secretariat_sees_open_rounds_with_reports_awaiting_review(
    client, secretariat, framework, reference_data
):
    round_ = _round(framework, deadline=timezone.localdate(), title="Statusopfølgning 2026")
    municipalities = Municipality.objects.filter(kkr__slug="hovedstaden").order_by("code")
    for municipality in municipalities[:3]:
        ReportFactory(round=round_, municipality=municipality, submitted=True)
    ReportFactory(round=round_, municipality=municipalities[3])
    _round(
        framework, deadline=timezone.localdate(), status=ReportingRound.Status.CLOSED, title="Gl."
    )
    client.force_login(secretariat)

    response = client.get(TASKS)

    [shown] = response.context["tasks"].rounds
    assert shown == round_
    assert shown.awaiting_review == 3
    assert shown.not_submitted == 1
    content = response.content.decode()
    assert "3 rapporter venter på behandling" in content
    assert "1 kommune mangler at indsende" in content


def test_foreign_secretariat_does_not_see_hovedstaden_rounds(
    client, foreign_secretariat, framework
):
    _round(framework, deadline=timezone.localdate())
    client.force_login(foreign_secretariat)

    response = client.get(TASKS)

    assert response.context["tasks"].rounds == []
    assert "Der er ingen åbne runder lige nu." in response.content.decode()


def test_politician_gets_a_friendly_explanation(client, politician):
    client.force_login(politician)

    response = client.get(TASKS)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Du har ingen opgaver i portalen" in content
    assert reverse("pilots:pilot_list") in content


@pytest.mark.parametrize("served", [1, 3])
def test_tasks_query_count_is_constant(
    client, coordinator, framework, django_assert_num_queries, served
):
    round_ = _round(framework, deadline=timezone.localdate())
    initiative = Initiative.objects.get(framework=framework, code="2.P2")
    municipalities = list(Municipality.objects.filter(kkr__slug="hovedstaden").order_by("code"))
    for municipality in municipalities[1:served]:
        MembershipFactory(
            user=coordinator, role=Membership.Role.COORDINATOR, municipality=municipality
        )
    for municipality in municipalities[:served]:
        ReportFactory(round=round_, municipality=municipality)
        PilotParticipationFactory(
            project=PilotProjectFactory(
                initiative=initiative, lead_municipality=municipalities[-1]
            ),
            municipality=municipality,
            status=PilotParticipation.Status.INVITED,
        )
    client.force_login(coordinator)
    # session, user (memberships in memory since the sign-in); open reports with rounds and
    # municipalities; invitations with projects, leads and initiatives; the meeting scope
    # (groups and secretariats, one union), which finds no group, so no meetings are read
    with django_assert_num_queries(5):
        response = client.get(TASKS)
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["tasks"].municipalities) == served


def test_secretariat_tasks_query_count(client, secretariat, framework, django_assert_num_queries):
    for year in (2025, 2026):
        _round(framework, deadline=timezone.localdate(), title=f"Runde {year}")
    client.force_login(secretariat)
    # session, user (memberships in memory since the sign-in); open rounds with counts; the
    # meeting scope and the upcoming meetings of groups the KKR runs
    with django_assert_num_queries(5):
        response = client.get(TASKS)
    assert response.status_code == HTTPStatus.OK


def test_home_page_shows_a_task_summary_to_coordinators_only(
    client, coordinator, politician, own_municipality, framework
):
    ReportFactory(
        round=_round(framework, deadline=timezone.localdate()), municipality=own_municipality
    )

    client.force_login(coordinator)
    coordinator_home = client.get(reverse("home")).content.decode()
    client.force_login(politician)
    politician_home = client.get(reverse("home")).content.decode()

    assert "Gå til Mine opgaver" in coordinator_home
    assert "1 rapport at udfylde" in coordinator_home
    assert "Gå til Mine opgaver" not in politician_home

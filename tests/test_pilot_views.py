"""Pilot projects: who may create, edit, invite and answer, and what each role sees."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership
from commitments.models import Initiative
from core.validators import CPR_MESSAGE
from municipalities.models import Municipality
from pilots import services as pilot_services
from pilots.models import PilotParticipation, PilotProject
from tests.factories import (
    FrameworkFactory,
    InitiativeFactory,
    MembershipFactory,
    PilotParticipationFactory,
    PilotProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def akut(hovedstaden_framework) -> Initiative:
    return Initiative.objects.get(framework=hovedstaden_framework, code="2.P2")


@pytest.fixture
def project(akut, own_municipality) -> PilotProject:
    return PilotProjectFactory(
        initiative=akut, lead_municipality=own_municipality, title="Fælles akuttilbud"
    )


@pytest.fixture
def invitation(project, other_municipality) -> PilotParticipation:
    return PilotParticipationFactory(
        project=project,
        municipality=other_municipality,
        status=PilotParticipation.Status.INVITED,
    )


def _create_data(initiative, lead, **overrides):
    return {
        "initiative": initiative.pk,
        "lead_municipality": lead.pk,
        "title": "Fælles akuttilbud i Nordsjælland",
        "description": "Et døgnåbent tilbud til borgere i akut krise.",
        "starts_on": "2026-02-01",
        "ends_on": "2027-01-31",
        "status": PilotProject.Status.PLANNED,
        "contact_name": "Pia Projektleder",
        "contact_email": "pia@kk.dk",
        **overrides,
    }


def test_coordinator_creates_a_pilot_project_led_by_own_municipality(
    client, coordinator, akut, own_municipality
):
    client.force_login(coordinator)

    response = client.post(reverse("pilots:pilot_create"), _create_data(akut, own_municipality))

    project = PilotProject.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == project.get_absolute_url()
    assert project.lead_municipality == own_municipality
    assert project.initiative == akut
    assert project.contact_email == "pia@kk.dk"


def test_create_form_offers_only_own_municipalities_and_own_kkr_pilot_initiatives(
    client, coordinator, hovedstaden_framework
):
    client.force_login(coordinator)

    form = client.get(reverse("pilots:pilot_create")).context["form"]

    assert [m.code for m in form.fields["lead_municipality"].queryset] == ["101"]
    codes = {i.code for i in form.fields["initiative"].queryset}
    assert codes == {"1.P1", "1b.P1", "2.P1", "2.P2", "3.P1", "3.P2", "4.P1", "4.P2", "4.P3"}


def test_coordinator_cannot_create_a_project_led_by_another_municipality(
    client, coordinator, akut, other_municipality
):
    client.force_login(coordinator)

    response = client.post(reverse("pilots:pilot_create"), _create_data(akut, other_municipality))

    assert response.status_code == HTTPStatus.OK
    assert "lead_municipality" in response.context["form"].errors
    assert not PilotProject.objects.exists()


def test_pilot_initiative_of_another_kkr_is_refused(client, coordinator, own_municipality):
    foreign = InitiativeFactory(pilot=True, block__area__framework=FrameworkFactory())
    client.force_login(coordinator)

    response = client.post(reverse("pilots:pilot_create"), _create_data(foreign, own_municipality))

    assert response.status_code == HTTPStatus.OK
    assert "initiative" in response.context["form"].errors
    assert not PilotProject.objects.exists()


def test_service_refuses_a_project_led_by_someone_elses_municipality(
    coordinator, akut, other_municipality
):
    with pytest.raises(pilot_services.PermissionDenied):
        pilot_services.pilot_create(
            actor=coordinator,
            initiative=akut,
            lead_municipality=other_municipality,
            title="Ikke min",
            description="x",
        )


def test_cpr_number_in_description_is_refused(client, coordinator, akut, own_municipality):
    client.force_login(coordinator)

    response = client.post(
        reverse("pilots:pilot_create"),
        _create_data(akut, own_municipality, description="Borger 010190-1234 deltog."),
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["description"] == [str(CPR_MESSAGE)]
    assert not PilotProject.objects.exists()


def test_end_before_start_is_a_form_error(client, coordinator, akut, own_municipality):
    client.force_login(coordinator)

    response = client.post(
        reverse("pilots:pilot_create"),
        _create_data(akut, own_municipality, starts_on="2026-05-01", ends_on="2026-01-01"),
    )

    assert response.status_code == HTTPStatus.OK
    assert "Slutdatoen skal ligge efter startdatoen." in response.content.decode()
    assert not PilotProject.objects.exists()


def test_lead_edits_and_shares_results(client, coordinator, project):
    client.force_login(coordinator)
    assert not project.results_published

    response = client.post(
        reverse("pilots:pilot_edit", kwargs={"pk": project.pk}),
        {
            "title": project.title,
            "description": project.description,
            "status": PilotProject.Status.COMPLETED,
            "contact_name": "",
            "contact_email": "",
            "results": "Færre akutte indlæggelser.",
            "results_published": "on",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert project.status == PilotProject.Status.COMPLETED
    assert project.results_published
    assert project.results == "Færre akutte indlæggelser."


def test_sharing_without_results_is_refused(client, coordinator, project):
    client.force_login(coordinator)

    response = client.post(
        reverse("pilots:pilot_edit", kwargs={"pk": project.pk}),
        {
            "title": project.title,
            "description": project.description,
            "status": project.status,
            "results": "",
            "results_published": "on",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["results"] == ["Skriv resultaterne, før de deles."]
    project.refresh_from_db()
    assert not project.results_published


def test_participant_cannot_edit_and_service_refuses_too(
    client, other_coordinator, other_municipality, project
):
    PilotParticipationFactory(project=project, municipality=other_municipality)
    client.force_login(other_coordinator)

    response = client.post(
        reverse("pilots:pilot_edit", kwargs={"pk": project.pk}),
        {"title": "Kapret", "description": "x", "status": "running"},
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    with pytest.raises(pilot_services.PermissionDenied):
        pilot_services.pilot_update(
            actor=other_coordinator,
            project=project,
            title="Kapret",
            description="x",
            starts_on=None,
            ends_on=None,
            status="running",
            contact_name="",
            contact_email="",
            results="",
            results_published=False,
        )
    project.refresh_from_db()
    assert project.title == "Fælles akuttilbud"


def test_lead_invites_a_municipality_of_the_same_kkr_and_its_coordinators_get_an_email(
    client, coordinator, other_coordinator, project, django_capture_on_commit_callbacks, settings
):
    client.force_login(coordinator)
    frederiksberg = Municipality.objects.get(code="147")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pilots:pilot_invite", kwargs={"pk": project.pk}),
            {"municipalities": [frederiksberg.pk]},
        )

    assert response.status_code == HTTPStatus.FOUND
    participation = PilotParticipation.objects.get(project=project)
    assert participation.municipality == frederiksberg
    assert participation.status == PilotParticipation.Status.INVITED
    assert participation.invited_by == coordinator
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [other_coordinator.email]
    assert message.subject == "Invitation til pilotprojektet Fælles akuttilbud"
    assert "Københavns Kommune inviterer Frederiksberg Kommune" in message.body
    assert f"{settings.SITE_URL}{project.get_absolute_url()}" in message.body


def test_invite_form_offers_only_the_kkrs_other_uninvited_municipalities(
    client, coordinator, project, invitation
):
    client.force_login(coordinator)

    form = client.get(reverse("pilots:pilot_invite", kwargs={"pk": project.pk})).context["form"]

    codes = {m.code for m in form.fields["municipalities"].queryset}
    assert len(codes) == 27  # 29 in KKR Hovedstaden, minus the lead and Frederiksberg
    assert "101" not in codes
    assert "147" not in codes
    assert "751" not in codes


def test_crafted_post_cannot_invite_outside_the_kkr_or_twice(
    client, coordinator, project, invitation, foreign_municipality
):
    client.force_login(coordinator)
    url = reverse("pilots:pilot_invite", kwargs={"pk": project.pk})

    outside = client.post(url, {"municipalities": [foreign_municipality.pk]})
    twice = client.post(url, {"municipalities": [invitation.municipality_id]})

    assert outside.status_code == twice.status_code == HTTPStatus.OK
    assert "municipalities" in outside.context["form"].errors
    assert "municipalities" in twice.context["form"].errors
    assert PilotParticipation.objects.filter(project=project).count() == 1


def test_service_refuses_to_invite_outside_the_kkr(coordinator, project, foreign_municipality):
    with pytest.raises(pilot_services.ValidationError) as error:
        pilot_services.pilot_invite(
            actor=coordinator, project=project, municipalities=[foreign_municipality]
        )

    assert error.value.message_dict["municipalities"] == [
        "Kan ikke inviteres: Aarhus. Kun kommuner i samme KKR, som ikke allerede er "
        "inviteret, kan inviteres."
    ]


def test_invited_coordinator_accepts(client, other_coordinator, invitation):
    client.force_login(other_coordinator)

    response = client.post(
        reverse("pilots:pilot_respond", kwargs={"pk": invitation.pk}),
        {"decision": "accept", "next": reverse("notifications:tasks")},
        follow=True,
    )

    invitation.refresh_from_db()
    assert invitation.status == PilotParticipation.Status.ACCEPTED
    assert response.redirect_chain[-1][0] == reverse("notifications:tasks")
    assert "Frederiksberg deltager nu i Fælles akuttilbud." in response.content.decode()


def test_invited_coordinator_declines_and_cannot_answer_twice(
    client, other_coordinator, invitation
):
    client.force_login(other_coordinator)
    url = reverse("pilots:pilot_respond", kwargs={"pk": invitation.pk})

    client.post(url, {"decision": "decline"})
    again = client.post(url, {"decision": "accept"}, follow=True)

    invitation.refresh_from_db()
    assert invitation.status == PilotParticipation.Status.DECLINED
    assert "Invitationen er allerede besvaret." in again.content.decode()


def test_respond_ignores_an_offsite_next(client, other_coordinator, invitation):
    client.force_login(other_coordinator)

    response = client.post(
        reverse("pilots:pilot_respond", kwargs={"pk": invitation.pk}),
        {"decision": "accept", "next": "https://evil.example/"},
    )

    assert response.url == invitation.project.get_absolute_url()


def test_lead_cannot_answer_on_behalf_of_the_invited_municipality(client, coordinator, invitation):
    client.force_login(coordinator)

    response = client.post(
        reverse("pilots:pilot_respond", kwargs={"pk": invitation.pk}), {"decision": "accept"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    invitation.refresh_from_db()
    assert invitation.status == PilotParticipation.Status.INVITED


def test_politician_reads_but_gets_no_buttons(client, politician, project, invitation):
    client.force_login(politician)

    response = client.get(project.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Fælles akuttilbud" in content
    assert reverse("pilots:pilot_edit", kwargs={"pk": project.pk}) not in content
    assert reverse("pilots:pilot_respond", kwargs={"pk": invitation.pk}) not in content
    assert client.get(reverse("pilots:pilot_create")).status_code == HTTPStatus.FORBIDDEN


def test_unshared_results_are_shown_to_lead_and_participants_only(
    client, coordinator, other_coordinator, politician, project
):
    project.results = "Foreløbige tal: 12 færre indlæggelser."
    project.save()
    participation = PilotParticipationFactory(
        project=project,
        municipality=Municipality.objects.get(code="147"),
        status=PilotParticipation.Status.INVITED,
    )

    def sees_results(user):
        client.force_login(user)
        return "12 færre indlæggelser" in client.get(project.get_absolute_url()).content.decode()

    assert sees_results(coordinator)
    assert not sees_results(other_coordinator)  # only invited so far
    assert not sees_results(politician)
    participation.status = PilotParticipation.Status.ACCEPTED
    participation.save()
    assert sees_results(other_coordinator)
    project.results_published = True
    project.save()
    assert sees_results(politician)


def test_detail_shows_invitation_buttons_to_the_invited_coordinator(
    client, other_coordinator, invitation
):
    client.force_login(other_coordinator)

    content = client.get(invitation.project.get_absolute_url()).content.decode()

    assert reverse("pilots:pilot_respond", kwargs={"pk": invitation.pk}) in content
    assert "Frederiksberg deltager" in content


def test_list_groups_projects_by_initiative_and_filters_by_status(
    client, politician, hovedstaden_framework, own_municipality, other_municipality
):
    akut = Initiative.objects.get(framework=hovedstaden_framework, code="2.P2")
    shared_care = Initiative.objects.get(framework=hovedstaden_framework, code="3.P2")
    PilotProjectFactory(initiative=akut, lead_municipality=own_municipality, title="Akut A")
    PilotProjectFactory(
        initiative=shared_care,
        lead_municipality=other_municipality,
        title="Shared care B",
        status=PilotProject.Status.COMPLETED,
        results="Godt samarbejde.",
        results_published=True,
    )
    client.force_login(politician)

    everything = client.get(reverse("pilots:pilot_list"))
    completed = client.get(reverse("pilots:pilot_list"), {"status": "completed"})

    groups = everything.context["groups"]
    assert [g.initiative.code for g in groups] == ["2.P2", "3.P2"]
    assert [p.title for p in groups[1].projects] == ["Shared care B"]
    assert "Resultater delt" in everything.content.decode()
    assert [g.initiative.code for g in completed.context["groups"]] == ["3.P2"]


def test_list_filters_by_initiative(client, coordinator, hovedstaden_framework, own_municipality):
    akut = Initiative.objects.get(framework=hovedstaden_framework, code="2.P2")
    other = Initiative.objects.get(framework=hovedstaden_framework, code="4.P3")
    PilotProjectFactory(initiative=akut, lead_municipality=own_municipality, title="Akut A")
    PilotProjectFactory(initiative=other, lead_municipality=own_municipality, title="Teknologi")
    client.force_login(coordinator)

    response = client.get(reverse("pilots:pilot_list"), {"initiative": other.pk})

    assert [p.title for g in response.context["groups"] for p in g.projects] == ["Teknologi"]


@pytest.mark.parametrize("count", [1, 6])
def test_pilot_list_query_count_is_constant(
    client, politician, hovedstaden_framework, django_assert_num_queries, count
):
    municipalities = list(Municipality.objects.filter(kkr__slug="hovedstaden")[:count])
    pilots = list(Initiative.objects.pilots().filter(framework=hovedstaden_framework)[:count])
    for number, (lead, initiative) in enumerate(zip(municipalities, pilots, strict=True)):
        project = PilotProjectFactory(initiative=initiative, lead_municipality=lead)
        for other in municipalities[number + 1 :]:
            PilotParticipationFactory(project=project, municipality=other)
    client.force_login(politician)
    # session, user (memberships in memory since the sign-in); projects with initiative,
    # framework, KKR, area and lead; participations with municipalities (prefetch); the
    # filter form's frameworks and initiatives
    with django_assert_num_queries(6):
        response = client.get(reverse("pilots:pilot_list"))
    assert response.status_code == HTTPStatus.OK


def test_coordinator_of_two_municipalities_can_lead_from_either(
    client, coordinator, akut, other_municipality
):
    MembershipFactory(
        user=coordinator, role=Membership.Role.COORDINATOR, municipality=other_municipality
    )
    client.force_login(coordinator)

    response = client.post(reverse("pilots:pilot_create"), _create_data(akut, other_municipality))

    assert response.status_code == HTTPStatus.FOUND
    assert PilotProject.objects.get().lead_municipality == other_municipality


@pytest.mark.parametrize("count", [1, 6])
def test_pilot_page_query_count_is_constant(
    client, coordinator, project, django_assert_num_queries, count
):
    others = Municipality.objects.filter(kkr__slug="hovedstaden").exclude(code="101")
    for municipality in others.order_by("code")[:count]:
        PilotParticipationFactory(project=project, municipality=municipality)
    client.force_login(coordinator)

    # session, user; the project with initiative, framework, KKR, area and lead; its
    # participations with municipalities (the scope, read for "is lead", is in memory since
    # the sign-in)
    with django_assert_num_queries(4):
        response = client.get(project.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert len(response.context["participations"]) == count


def test_a_line_break_in_a_pilot_title_is_refused_in_danish(coordinator, akut, own_municipality):
    with pytest.raises(ValidationError) as refused:
        pilot_services.pilot_create(
            actor=coordinator,
            initiative=akut,
            lead_municipality=own_municipality,
            title="Akut\r\nBcc: alle@example.dk",
            description="x",
        )

    assert "Feltet skal stå på én linje" in refused.value.message_dict["title"][0]
    assert not PilotProject.objects.exists()


def test_a_line_break_in_a_pilot_title_is_a_form_error_not_a_500(
    client, coordinator, akut, own_municipality
):
    client.force_login(coordinator)

    response = client.post(
        reverse("pilots:pilot_create"),
        _create_data(akut, own_municipality, title="Akut\nBcc: alle@example.dk"),
    )

    assert response.status_code == HTTPStatus.OK
    assert not PilotProject.objects.exists()

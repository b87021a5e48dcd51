"""Calls for proposals (seed 000): who sees what, the services' rules, mail, reminders."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calls import permissions, services
from calls.models import Call, CallReminder, Proposal
from commitments.models import Initiative

pytestmark = pytest.mark.django_db

THEMES = [
    "unge med psykiatriske lidelser",
    "sammenhængen mellem psykiatri og beskæftigelsesområdet",
    "psykisk syge med somatiske lidelser",
]


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def draft_call(secretariat, hovedstaden, coordinator, other_coordinator):
    return services.call_create(
        actor=secretariat,
        kkr=hovedstaden,
        title="Fælles kommunale målsætninger for psykiatrien",
        letter="KKRs Embedsmandsudvalg for Sundhed inviterer Psykiatriens Samordningsudvalg …",
        deadline=_today() + datetime.timedelta(days=30),
        questions_to="afp@kl.dk",
        addressees=[coordinator, other_coordinator],
        themes=THEMES,
        detail_level="Notatet angiver, på hvilket detailniveau målsætningerne forventes udformet.",
        example=SimpleUploadedFile("notat.pdf", b"%PDF-1.7\n", content_type="application/pdf"),
    )


@pytest.fixture
def call(draft_call, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.call_open(actor=secretariat, call=draft_call)
    mail.outbox.clear()
    draft_call.refresh_from_db()
    return draft_call


def _initiatives(call: Call) -> list[services.InitiativeData]:
    return [
        services.InitiativeData(
            kind=Initiative.Kind.MANDATORY,
            text="Alle kommuner tilbyder unge en koordinerende kontaktperson.",
            rationale="De unge falder mellem to stole.",
            theme=call.themes.get(order=0),
        )
    ]


@pytest.fixture
def draft_proposal(call, coordinator):
    return services.proposal_save(
        actor=coordinator,
        call=call,
        goal="Flere unge i uddannelse.",
        initiatives=_initiatives(call),
    )


@pytest.fixture
def submitted(draft_proposal, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_submit(actor=coordinator, proposal=draft_proposal)
    mail.outbox.clear()
    return proposal


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- scoping and predicates ---------------------------------------------------------------


def test_a_draft_call_is_its_secretariats_only(
    draft_call, secretariat, foreign_secretariat, coordinator
):
    assert list(Call.objects.visible_to(secretariat)) == [draft_call]
    assert list(Call.objects.visible_to(coordinator)) == []
    assert list(Call.objects.visible_to(foreign_secretariat)) == []


def test_an_opened_call_is_seen_by_its_addressees_only(
    call, coordinator, other_coordinator, foreign_coordinator, politician, foreign_secretariat
):
    assert list(Call.objects.visible_to(coordinator)) == [call]
    assert list(Call.objects.visible_to(other_coordinator)) == [call]
    for outsider in (foreign_coordinator, politician, foreign_secretariat):
        assert list(Call.objects.visible_to(outsider)) == []
    assert permissions.can_propose(coordinator, call)
    assert not permissions.can_propose(politician, call)
    assert permissions.can_manage_call(coordinator, call) is False


def test_a_draft_proposal_is_read_by_nobody_but_its_author(
    draft_proposal, coordinator, other_coordinator, secretariat, superuser, client
):
    assert list(Proposal.objects.visible_to(coordinator)) == [draft_proposal]
    for other in (other_coordinator, secretariat, superuser):
        assert list(Proposal.objects.visible_to(other)) == []
    client.force_login(secretariat)
    assert client.get(draft_proposal.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    page = client.get(draft_proposal.call.get_absolute_url()).content.decode()
    assert "Flere unge i uddannelse." not in page
    assert "Der er ikke indsendt forslag endnu." in page


def test_a_submitted_proposal_is_read_by_the_calls_secretariat_not_a_foreign_one(
    submitted, secretariat, foreign_secretariat, other_coordinator, client
):
    assert list(Proposal.objects.visible_to(secretariat)) == [submitted]
    assert list(Proposal.objects.visible_to(foreign_secretariat)) == []
    assert list(Proposal.objects.visible_to(other_coordinator)) == []
    client.force_login(secretariat)
    response = client.get(submitted.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert (
        "Alle kommuner tilbyder unge en koordinerende kontaktperson." in response.content.decode()
    )


# --- services ---------------------------------------------------------------------------


def test_only_the_kkrs_secretariat_opens_a_call(hovedstaden, foreign_secretariat, coordinator):
    for actor in (foreign_secretariat, coordinator):
        with pytest.raises(PermissionDenied):
            services.call_create(
                actor=actor,
                kkr=hovedstaden,
                title="x",
                letter="y",
                deadline=_today(),
                questions_to="afp@kl.dk",
            )


def test_opening_a_call_mails_its_addressees(
    draft_call, secretariat, coordinator, other_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.call_open(actor=secretariat, call=draft_call)

    draft_call.refresh_from_db()
    assert draft_call.status == Call.Status.OPEN
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [coordinator.email, other_coordinator.email]
    )
    assert mail.outbox[0].subject == (
        "KKR Hovedstaden indkalder forslag: Fælles kommunale målsætninger for psykiatrien"
    )
    assert f"/indkaldelser/{draft_call.pk}/" in mail.outbox[0].body
    with pytest.raises(ValidationError, match="allerede sendt"):
        services.call_open(actor=secretariat, call=draft_call)


def test_a_call_without_addressees_or_past_its_deadline_is_not_opened(draft_call, secretariat):
    draft_call.addressees.clear()
    with pytest.raises(ValidationError, match="mindst én modtager"):
        services.call_open(actor=secretariat, call=draft_call)
    Call.objects.filter(pk=draft_call.pk).update(deadline=_today() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="Fristen er overskredet"):
        services.call_open(actor=secretariat, call=draft_call)


def test_only_addressees_propose_and_only_to_an_open_call(
    call, politician, coordinator, secretariat
):
    with pytest.raises(PermissionDenied):
        services.proposal_save(actor=politician, call=call, goal="x", initiatives=[])
    services.call_close(actor=secretariat, call=call)
    with pytest.raises(PermissionDenied):
        services.proposal_save(actor=coordinator, call=call, goal="x", initiatives=[])


def test_submitting_needs_an_initiative_and_freezes_the_proposal(
    call, coordinator, secretariat, django_capture_on_commit_callbacks
):
    empty = services.proposal_save(actor=coordinator, call=call, goal="Mål", initiatives=[])
    with pytest.raises(ValidationError, match="mindst én indsats"):
        services.proposal_submit(actor=coordinator, proposal=empty)
    proposal = services.proposal_save(
        actor=coordinator, call=call, goal="Mål", initiatives=_initiatives(call)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_submit(actor=coordinator, proposal=proposal)

    assert [m.to for m in mail.outbox] == [["afp@kl.dk"]]
    with pytest.raises(ValidationError, match="kan ikke længere ændres"):
        services.proposal_save(actor=coordinator, call=call, goal="Nyt", initiatives=[])


def test_the_secretariat_accepts_comments_and_records_the_framework_text(
    submitted, secretariat, foreign_secretariat, coordinator, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        services.proposal_review(
            actor=foreign_secretariat, proposal=submitted, status=Proposal.Status.ACCEPTED
        )
    with pytest.raises(ValidationError, match="kommentar"):
        services.proposal_review(
            actor=secretariat, proposal=submitted, status=Proposal.Status.REJECTED
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_review(
            actor=secretariat,
            proposal=submitted,
            status=Proposal.Status.ACCEPTED,
            comment="Tak, indgår i udkastet.",
        )
    initiative = submitted.initiatives.get()
    services.framework_text_record(
        actor=secretariat, initiative=initiative, framework_text="1.F1 Koordinerende kontaktperson"
    )

    submitted.refresh_from_db()
    initiative.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == (Proposal.Status.ACCEPTED, secretariat)
    assert initiative.framework_text == "1.F1 Koordinerende kontaktperson"
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Tak, indgår i udkastet." in mail.outbox[0].body


def test_a_draft_proposal_cannot_be_reviewed(draft_proposal, secretariat):
    with pytest.raises(PermissionDenied):
        services.proposal_review(
            actor=secretariat, proposal=draft_proposal, status=Proposal.Status.ACCEPTED
        )


def test_a_reminder_goes_once_to_each_addressee_who_has_not_submitted(
    submitted, other_coordinator, django_capture_on_commit_callbacks
):
    call = submitted.call
    Call.objects.filter(pk=call.pk).update(deadline=_today() + datetime.timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_call_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with django_capture_on_commit_callbacks(execute=True):
        second = services.reminders_send(today=_today())

    assert [m.to for m in mail.outbox] == [[other_coordinator.email]]
    assert "Påmindelse" in mail.outbox[0].subject
    assert second == 0
    assert CallReminder.objects.filter(call=call).count() == 1


def test_no_reminder_long_before_the_deadline(call):
    assert services.reminders_send(today=_today()) == 0


# --- views --------------------------------------------------------------------------------


def test_the_addressee_writes_and_submits_a_proposal_through_the_pages(call, coordinator, client):
    client.force_login(coordinator)
    theme = call.themes.get(order=1)
    response = client.post(
        reverse("calls:proposal_edit", args=[call.pk]),
        {
            "goal": "Flere psykisk sårbare i job.",
            "indsats-TOTAL_FORMS": "2",
            "indsats-INITIAL_FORMS": "0",
            "indsats-MIN_NUM_FORMS": "1",
            "indsats-MAX_NUM_FORMS": "20",
            "indsats-0-theme": theme.pk,
            "indsats-0-kind": Initiative.Kind.PILOT,
            "indsats-0-text": "IPS-forløb i jobcentret.",
            "indsats-0-rationale": "Evidens for effekt.",
            "indsats-1-kind": Initiative.Kind.MANDATORY,  # the untouched extra form
        },
    )
    proposal = Proposal.objects.get(author=coordinator)
    assert response.status_code == HTTPStatus.FOUND
    assert [(i.theme, i.kind) for i in proposal.initiatives.all()] == [
        (theme, Initiative.Kind.PILOT)
    ]

    client.post(reverse("calls:proposal_submit", args=[proposal.pk]))

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_the_menu_shows_calls_to_secretariats_and_addressees_only(
    call, client, secretariat, coordinator, foreign_coordinator
):
    label = 'href="/indkaldelser/"'
    client.force_login(secretariat)
    assert label in client.get("/").content.decode()
    client.force_login(coordinator)  # the login looks up the user's calls once
    assert label in client.get("/").content.decode()
    client.force_login(foreign_coordinator)
    assert label not in client.get("/").content.decode()


def test_the_example_is_served_to_addressees_only(call, client, coordinator, foreign_coordinator):
    url = reverse("calls:call_example", args=[call.pk])
    client.force_login(foreign_coordinator)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n"


def test_call_list_query_count(call, client, secretariat, django_assert_num_queries):
    client.force_login(secretariat)
    client.get(reverse("calls:call_list"))  # session warmed up; memberships kept in memory
    with django_assert_num_queries(3):
        response = client.get(reverse("calls:call_list"))
    assert response.status_code == HTTPStatus.OK
    assert "Fælles kommunale målsætninger for psykiatrien" in response.content.decode()


def test_call_detail_query_count_does_not_grow_with_proposals(
    submitted, client, secretariat, other_coordinator, django_assert_max_num_queries
):
    call = submitted.call
    client.force_login(secretariat)
    with django_assert_max_num_queries(12) as first:
        response = client.get(call.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    other = services.proposal_save(
        actor=other_coordinator, call=call, goal="Mål", initiatives=_initiatives(call)
    )
    services.proposal_submit(actor=other_coordinator, proposal=other)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(call.get_absolute_url())
    assert response.status_code == HTTPStatus.OK

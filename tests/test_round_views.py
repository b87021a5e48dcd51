"""The secretariat's round pages: list, create, edit, follow-up grid, open/close, reminders."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from reporting.models import PoliticalQuestion, Report, ReportEvent, ReportingRound
from reporting.services import rounds as round_services
from tests.factories import (
    FrameworkFactory,
    KKRFactory,
    MembershipFactory,
    MunicipalityFactory,
    PoliticalQuestionFactory,
    ReportFactory,
    ReportingRoundFactory,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    """The flash messages a response set; they are cleared so the next request starts empty."""
    response.client.cookies.pop("messages", None)
    return [str(m) for m in get_messages(response.wsgi_request)]


def _draft_round(framework, **kwargs):
    round_ = ReportingRoundFactory(framework=framework, **kwargs)
    PoliticalQuestionFactory(round=round_, number=1)
    return round_


def _round_of_kkr(municipality_count: int):
    """An open round in a KKR of its own with one report per municipality, and its secretariat."""
    kkr = KKRFactory()
    municipalities = MunicipalityFactory.create_batch(municipality_count, kkr=kkr)
    round_ = ReportingRoundFactory(
        framework=FrameworkFactory(kkr=kkr), status=ReportingRound.Status.OPEN
    )
    for index, municipality in enumerate(municipalities):
        report = ReportFactory(
            round=round_,
            municipality=municipality,
            status=[Report.Status.DRAFT, Report.Status.SUBMITTED][index % 2],
        )
        ReportEvent.objects.create(report=report, action=ReportEvent.Action.CREATED)
        ReportEvent.objects.create(report=report, action=ReportEvent.Action.REMINDED)
    secretariat = MembershipFactory(
        role=Membership.Role.SECRETARIAT, kkr=kkr, municipality=None
    ).user
    return round_, secretariat


def _grid_rows(response) -> list[tuple[str, str]]:
    """(municipality, state) per row of the follow-up grid."""
    content = response.content.decode()
    body = content.split("<tbody>")[1].split("</tbody>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name = re.search(r'<th scope="row"><a [^>]*>([^<]+)</a>', row)
        states = re.findall(r'<span class="badge[^"]*">([^<]+)</span>', row)
        if name:
            rows.append((name.group(1), " + ".join(states)))
    return rows


# --- the list of rounds ---


def test_round_list_groups_rounds_by_framework_with_counts_for_the_secretariat(
    client, secretariat, open_round, hovedstaden_framework
):
    _draft_round(hovedstaden_framework, title="Statusopfølgning 2027", slug="s-2027")
    client.force_login(secretariat)

    response = client.get(reverse("reporting:round_list"))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert hovedstaden_framework.title in content
    assert "Statusopfølgning 2026" in content
    assert "Statusopfølgning 2027" in content
    assert "Ikke påbegyndt: <strong>29</strong>" in content
    assert "Godkendt: <strong>0</strong>" in content
    assert 'href="/afrapportering/runder/ny/"' in content


def test_round_list_hides_drafts_and_draft_counts_from_a_coordinator(
    client, coordinator, open_round, hovedstaden_framework
):
    _draft_round(hovedstaden_framework, title="Hemmelig kladde", slug="kladde")
    client.force_login(coordinator)

    response = client.get(reverse("reporting:round_list"))

    content = response.content.decode()
    assert "Statusopfølgning 2026" in content
    assert "Hemmelig kladde" not in content
    assert "Ikke påbegyndt:" not in content
    assert "0 af 29 kommuner har indsendt." in content
    assert "Ny runde" not in content


def test_round_list_query_count_is_constant(client, django_assert_num_queries):
    round_, secretariat = _round_of_kkr(3)
    client.force_login(secretariat)
    ReportingRoundFactory(framework=round_.framework)

    def count():
        # session, user (memberships in memory since the sign-in); rounds with their counts
        # (one annotated query); "may create" (adopted frameworks)
        with django_assert_num_queries(4):
            response = client.get(reverse("reporting:round_list"))
        assert response.status_code == HTTPStatus.OK
        return response.content.decode().count('class="list-group-item"')

    assert count() == 2
    ReportingRoundFactory.create_batch(4, framework=round_.framework)
    assert count() == 6


# --- creating and editing a round ---


def test_create_form_offers_adopted_frameworks_and_the_default_questions(
    client, secretariat, hovedstaden_framework
):
    client.force_login(secretariat)

    response = client.get(reverse("reporting:round_create"))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert hovedstaden_framework.title in content
    for question in round_services.DEFAULT_POLITICAL_QUESTIONS:
        assert question in content
    assert content.count('name="spoergsmaal-') >= 5 + 4  # management form + 3 + 2 blank


def _create_data(framework, **changes):
    data = {
        "framework": framework.pk,
        "title": "Statusopfølgning på børn og unge",
        "opens_on": "2027-02-01",
        "deadline": "2027-04-01",
        "introduction": "Vi beder om status.",
        "spoergsmaal-TOTAL_FORMS": "5",
        "spoergsmaal-INITIAL_FORMS": "3",
        "spoergsmaal-MIN_NUM_FORMS": "0",
        "spoergsmaal-MAX_NUM_FORMS": "20",
        "spoergsmaal-0-text": round_services.DEFAULT_POLITICAL_QUESTIONS[0],
        "spoergsmaal-1-text": "",  # removed
        "spoergsmaal-2-text": round_services.DEFAULT_POLITICAL_QUESTIONS[2],
        "spoergsmaal-3-text": "Hvordan inddrager kommunen borgerne?",  # added
        "spoergsmaal-4-text": "",
    }
    data.update(changes)
    return data


def test_secretariat_creates_a_draft_round_with_edited_questions(
    client, secretariat, hovedstaden_framework
):
    client.force_login(secretariat)

    response = client.post(reverse("reporting:round_create"), _create_data(hovedstaden_framework))

    round_ = ReportingRound.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == round_.get_absolute_url()
    assert round_.slug == "statusopfoelgning-paa-boern-og-unge"
    assert round_.status == ReportingRound.Status.DRAFT
    assert round_.deadline == datetime.date(2027, 4, 1)
    assert list(round_.questions.values_list("number", "text")) == [
        (1, round_services.DEFAULT_POLITICAL_QUESTIONS[0]),
        (2, round_services.DEFAULT_POLITICAL_QUESTIONS[2]),
        (3, "Hvordan inddrager kommunen borgerne?"),
    ]
    assert _messages(response) == [
        "Runden “Statusopfølgning på børn og unge” er oprettet som kladde. "
        "Kommunerne får besked, når du åbner den."
    ]


def test_create_shows_danish_errors_next_to_the_fields(client, secretariat, hovedstaden_framework):
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:round_create"),
        _create_data(hovedstaden_framework, opens_on="1-5-2027", deadline="1. april 2027"),
    )

    form = response.context["form"]
    assert response.status_code == HTTPStatus.OK
    assert form.errors["deadline"] == ["Fristen skal ligge på eller efter åbningsdatoen."]
    assert not ReportingRound.objects.exists()


def test_the_address_is_made_from_the_title_and_never_asked_for(
    client, secretariat, hovedstaden_framework
):
    ReportingRoundFactory(
        framework=hovedstaden_framework, slug="statusopfoelgning-paa-boern-og-unge"
    )
    client.force_login(secretariat)

    form_page = client.get(reverse("reporting:round_create")).content.decode()
    response = client.post(reverse("reporting:round_create"), _create_data(hovedstaden_framework))

    assert "Kortnavn" not in form_page
    assert 'name="slug"' not in form_page
    assert response.status_code == HTTPStatus.FOUND
    assert ReportingRound.objects.filter(slug="statusopfoelgning-paa-boern-og-unge-2").exists()


def test_create_needs_at_least_one_question(client, secretariat, hovedstaden_framework):
    client.force_login(secretariat)
    blanks = {f"spoergsmaal-{i}-text": "" for i in range(5)}

    response = client.post(
        reverse("reporting:round_create"), _create_data(hovedstaden_framework, **blanks)
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["questions"].non_form_errors() == [
        "Runden skal have mindst ét politisk spørgsmål."
    ]
    assert "Runden skal have mindst ét politisk spørgsmål." in response.content.decode()
    assert not ReportingRound.objects.exists()


def test_a_framework_of_another_kkr_cannot_be_chosen(
    client, foreign_secretariat, secretariat, hovedstaden_framework
):
    other = FrameworkFactory()
    client.force_login(secretariat)

    response = client.post(reverse("reporting:round_create"), _create_data(other))

    assert response.status_code == HTTPStatus.OK
    assert "framework" in response.context["form"].errors
    assert not ReportingRound.objects.exists()


def test_secretariat_edits_a_draft_round_and_its_questions(
    client, secretariat, hovedstaden_framework
):
    round_ = _draft_round(hovedstaden_framework, slug="kladde")
    client.force_login(secretariat)
    data = {
        "title": "Ny titel",
        "opens_on": "2027-01-01",
        "deadline": "2027-03-01",
        "introduction": "",
        "spoergsmaal-TOTAL_FORMS": "3",
        "spoergsmaal-INITIAL_FORMS": "1",
        "spoergsmaal-MIN_NUM_FORMS": "0",
        "spoergsmaal-MAX_NUM_FORMS": "20",
        "spoergsmaal-0-text": "Første",
        "spoergsmaal-1-text": "Andet",
        "spoergsmaal-2-text": "",
    }

    response = client.post(reverse("reporting:round_edit", args=[round_.slug]), data)

    round_.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert round_.title == "Ny titel"
    assert round_.slug == "kladde"
    assert list(round_.questions.values_list("text", flat=True)) == ["Første", "Andet"]
    assert _messages(response) == ["Ændringerne i runden er gemt."]


# --- the follow-up grid ---


def test_grid_shows_every_municipality_not_started(client, secretariat, open_round):
    client.force_login(secretariat)

    response = client.get(open_round.get_absolute_url())

    rows = _grid_rows(response)
    assert response.status_code == HTTPStatus.OK
    assert len(rows) == 29
    assert rows[0] == ("Albertslund", "Ikke påbegyndt")
    assert {state for _name, state in rows} == {"Ikke påbegyndt"}
    content = response.content.decode()
    assert "Luk runde" in content
    assert "Send påmindelse til alle, der mangler" in content
    own = open_round.reports.get(municipality__code="101")
    assert f'href="{own.get_absolute_url()}"' in content


def test_grid_shows_states_overdue_and_extended_deadlines(
    client, secretariat, open_round, own_report, other_report
):
    own_report.started_at = timezone.now()
    own_report.deadline_override = datetime.date(2027, 1, 15)
    own_report.deadline_override_reason = "Sygdom i forvaltningen"
    own_report.save()
    other_report.status = Report.Status.SUBMITTED
    other_report.save()
    open_round.deadline = timezone.localdate() - datetime.timedelta(days=2)
    open_round.opens_on = open_round.deadline - datetime.timedelta(days=30)
    open_round.save()
    client.force_login(secretariat)

    response = client.get(open_round.get_absolute_url())

    rows = dict(_grid_rows(response))
    assert rows["København"] == "I gang"  # its own deadline is later
    assert rows["Frederiksberg"] == "Indsendt"
    assert rows["Albertslund"] == "Ikke påbegyndt + Overskredet frist"
    content = response.content.decode()
    assert "15. januar 2027" in content
    assert "forlænget: Sygdom i forvaltningen" in content


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("i-gang", ["København"]),
        ("indsendt", ["Frederiksberg"]),
        ("godkendt", []),
    ],
)
def test_grid_filters_by_state_in_the_address(
    client, secretariat, open_round, own_report, other_report, state, expected
):
    own_report.started_at = timezone.now()
    own_report.save()
    other_report.status = Report.Status.SUBMITTED
    other_report.save()
    client.force_login(secretariat)

    response = client.get(open_round.get_absolute_url(), {"tilstand": state})

    assert [name for name, _state in _grid_rows(response)] == expected
    counts = {c.state.key: c.count for c in response.context["follow_up"].counts}
    assert counts == {
        "ikke-paabegyndt": 27,
        "i-gang": 1,
        "indsendt": 1,
        "sendt-retur": 0,
        "godkendt": 0,
        "overskredet": 0,
        "mangler": 28,
    }


def test_grid_query_count_is_constant(client, django_assert_num_queries):
    small, small_secretariat = _round_of_kkr(5)
    large, large_secretariat = _round_of_kkr(29)

    for round_, secretariat, rows in [
        (small, small_secretariat, 5),
        (large, large_secretariat, 29),
    ]:
        client.force_login(secretariat)
        # session, user (memberships in memory since the sign-in); round with framework and
        # KKR; reports with municipality, round and last event times (one annotated query);
        # questions; the round's history and its questions' history
        with django_assert_num_queries(7):
            response = client.get(round_.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        assert len(_grid_rows(response)) == rows


def test_coordinator_sees_the_round_and_only_their_own_report(
    client, coordinator, open_round, other_report
):
    other_report.status = Report.Status.SUBMITTED
    other_report.save()
    client.force_login(coordinator)

    response = client.get(open_round.get_absolute_url())

    content = response.content.decode()
    own = open_round.reports.get(municipality__code="101")
    assert response.status_code == HTTPStatus.OK
    assert round_services.DEFAULT_POLITICAL_QUESTIONS[0] in content
    assert f'href="{own.get_absolute_url()}"' in content
    assert "Ikke påbegyndt" in content  # their own report's state
    assert "Albertslund" not in content
    assert f'href="{other_report.get_absolute_url()}"' not in content
    assert "1 af 29 kommuner har indsendt og afventer godkendelse; 0 er godkendt." in content
    assert "Luk runde" not in content
    assert "Send påmindelse" not in content


def test_politician_sees_only_shared_counts(client, politician, open_round):
    client.force_login(politician)

    response = client.get(open_round.get_absolute_url())

    content = response.content.decode()
    assert "0 af 29 kommuner har indsendt og afventer godkendelse; 0 er godkendt." in content
    assert "Ikke påbegyndt" not in content
    assert "Jeres rapport" not in content


def test_draft_round_is_not_found_for_others_than_the_secretariat(
    client, coordinator, foreign_secretariat, secretariat, hovedstaden_framework
):
    round_ = _draft_round(hovedstaden_framework, slug="kladde")

    for user, expected in [
        (coordinator, HTTPStatus.NOT_FOUND),
        (foreign_secretariat, HTTPStatus.NOT_FOUND),
        (secretariat, HTTPStatus.OK),
    ]:
        client.force_login(user)
        assert client.get(round_.get_absolute_url()).status_code == expected


# --- opening, closing, reopening ---


def test_secretariat_opens_closes_and_reopens_a_round(
    client, secretariat, coordinator, hovedstaden_framework, django_capture_on_commit_callbacks
):
    round_ = _draft_round(hovedstaden_framework, slug="kladde")
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:round_open", args=[round_.slug]))
    round_.refresh_from_db()
    assert round_.status == ReportingRound.Status.OPEN
    assert round_.reports.count() == 29
    assert _messages(response) == [
        "Runden er åbnet. 29 kommuner har fået en e-mail om afrapporteringen."
    ]
    assert [m.to for m in mail.outbox] == [[coordinator.email]]

    response = client.post(reverse("reporting:round_close", args=[round_.slug]))
    round_.refresh_from_db()
    assert round_.status == ReportingRound.Status.CLOSED
    assert _messages(response) == [
        "Runden er lukket. Kommunerne kan ikke længere redigere eller indsende rapporter."
    ]

    response = client.post(reverse("reporting:round_reopen", args=[round_.slug]))
    round_.refresh_from_db()
    assert round_.status == ReportingRound.Status.OPEN
    assert _messages(response) == ["Runden er genåbnet. Kommunerne kan igen redigere og indsende."]


def test_a_refused_transition_is_a_danish_message(client, secretariat, open_round):
    client.force_login(secretariat)

    response = client.post(reverse("reporting:round_reopen", args=[open_round.slug]))

    assert response.status_code == HTTPStatus.FOUND
    assert _messages(response) == ["Kun en lukket runde kan genåbnes."]


def test_opening_a_round_without_questions_is_refused(client, secretariat, hovedstaden_framework):
    round_ = ReportingRoundFactory(framework=hovedstaden_framework)
    client.force_login(secretariat)

    response = client.post(reverse("reporting:round_open", args=[round_.slug]))

    round_.refresh_from_db()
    assert round_.status == ReportingRound.Status.DRAFT
    assert _messages(response) == ["Runden skal have mindst ét politisk spørgsmål."]
    assert not PoliticalQuestion.objects.filter(round=round_).exists()


# --- reminders from the grid ---


def test_reminding_one_municipality_emails_its_coordinators_once_a_day(
    client, secretariat, coordinator, own_report, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("notifications:round_remind_one", args=[own_report.pk])
    mail.outbox.clear()  # the e-mails of opening the round

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == own_report.round.get_absolute_url()
    assert _messages(response) == ["Påmindelsen er sendt til København."]
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert own_report.events.filter(action=ReportEvent.Action.REMINDED).count() == 1
    assert not own_report.reminders.exists()  # manual reminders do not use up an offset day

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert _messages(response) == [
        "København har allerede fået en påmindelse inden for det seneste døgn. Prøv igen i morgen."
    ]
    assert len(mail.outbox) == 1
    assert own_report.events.filter(action=ReportEvent.Action.REMINDED).count() == 1


def test_a_submitted_report_is_not_reminded(client, secretariat, coordinator, own_report):
    own_report.status = Report.Status.SUBMITTED
    own_report.save()
    client.force_login(secretariat)

    response = client.post(reverse("notifications:round_remind_one", args=[own_report.pk]))

    assert _messages(response) == ["København har allerede indsendt sin rapport."]
    assert not own_report.events.filter(action=ReportEvent.Action.REMINDED).exists()


def test_reminding_all_skips_submitted_and_recently_reminded(
    client,
    secretariat,
    coordinator,
    other_coordinator,
    own_report,
    other_report,
    django_capture_on_commit_callbacks,
):
    ReportEvent.objects.create(report=other_report, action=ReportEvent.Action.REMINDED)
    albertslund = MembershipFactory(
        role=Membership.Role.COORDINATOR,
        municipality=own_report.round.reports.get(municipality__name="Albertslund").municipality,
    ).user
    own_report.round.reports.filter(municipality__name="Ballerup").update(
        status=Report.Status.SUBMITTED
    )
    client.force_login(secretariat)
    mail.outbox.clear()  # the e-mails of opening the round

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notifications:round_remind_all", args=[own_report.round.slug])
        )

    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, albertslund.email])
    messages = _messages(response)
    assert messages[0] == "Påmindelsen er sendt til 2 kommuner."
    assert messages[1] == (
        "Disse kommuner har fået en påmindelse inden for det seneste døgn: Frederiksberg."
    )
    assert messages[2].startswith(
        "Disse kommuner har ingen aktive koordinatorer at sende til: Allerød, Bornholm,"
    )
    assert "Ballerup" not in messages[2]


# --- extending a deadline ---


def test_extend_deadline_form_shows_danish_errors(client, secretariat, own_report):
    client.force_login(secretariat)
    url = reverse("reporting:report_extend_deadline_form", args=[own_report.pk])

    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, {"deadline": "2026-12-01", "reason": "Sygdom"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {
        "deadline": ["Den forlængede frist skal ligge efter rundens frist."]
    }
    response = client.post(url, {"deadline": "", "reason": ""})
    assert response.context["form"].errors == {
        "deadline": ["Dette felt er påkrævet."],
        "reason": ["Dette felt er påkrævet."],
    }
    own_report.refresh_from_db()
    assert own_report.deadline_override is None


def test_secretariat_extends_a_deadline(client, secretariat, own_report):
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:report_extend_deadline_form", args=[own_report.pk]),
        {"deadline": "2027-01-15", "reason": "Kommunalbestyrelsen mødes først i januar"},
    )

    own_report.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert own_report.deadline == datetime.date(2027, 1, 15)
    assert own_report.deadline_override_reason == "Kommunalbestyrelsen mødes først i januar"
    assert _messages(response) == ["Fristen for København er forlænget til 15. januar 2027."]


# --- refused writes change nothing ---


def test_refused_round_writes_leave_the_round_and_reports_untouched(
    client, coordinator, foreign_secretariat, politician, own_report
):
    round_ = own_report.round
    attempts = [
        (coordinator, reverse("reporting:round_close", args=[round_.slug]), {}),
        (coordinator, reverse("notifications:round_remind_all", args=[round_.slug]), {}),
        (coordinator, reverse("notifications:round_remind_one", args=[own_report.pk]), {}),
        (politician, reverse("reporting:round_close", args=[round_.slug]), {}),
        (foreign_secretariat, reverse("reporting:round_close", args=[round_.slug]), {}),
        (
            foreign_secretariat,
            reverse("reporting:report_extend_deadline_form", args=[own_report.pk]),
            {"deadline": "2027-03-01", "reason": "Fordi"},
        ),
    ]
    for user, url, data in attempts:
        client.force_login(user)
        response = client.post(url, data)
        assert response.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}, url

    round_.refresh_from_db()
    own_report.refresh_from_db()
    assert round_.status == ReportingRound.Status.OPEN
    assert own_report.deadline_override is None
    assert not ReportEvent.objects.filter(action=ReportEvent.Action.REMINDED).exists()
    assert not [m for m in mail.outbox if m.subject.startswith("Påmindelse")]


@pytest.mark.parametrize("served", [1, 3])
def test_round_page_for_a_coordinator_query_count_is_constant(
    client, coordinator, open_round, django_assert_num_queries, served
):
    for municipality in open_round.framework.kkr.municipalities.exclude(code="101").order_by(
        "code"
    )[: served - 1]:
        MembershipFactory(
            user=coordinator, role=Membership.Role.COORDINATOR, municipality=municipality
        )
    client.force_login(coordinator)

    # session, user (memberships in memory since the sign-in); the round with framework and
    # KKR; the round's reports counted by state; the coordinator's own reports with
    # municipality and round; questions
    with django_assert_num_queries(6):
        response = client.get(open_round.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert not response.context["is_manager"]
    assert len(response.context["own_reports"]) == served

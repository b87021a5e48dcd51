"""A round's automatic reminders are visible and can be switched off (issue 11, item 5)."""

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from notifications.models import ReminderSent, RoundReminderPause
from notifications.selectors import reminders_due
from notifications.tasks import send_reminders
from reporting.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon_round(open_round):
    """The open round with its deadline ten days from today; Frederiksberg has submitted."""
    open_round.deadline = timezone.localdate() + datetime.timedelta(days=10)
    open_round.save()
    open_round.reports.filter(municipality__code="147").update(status=Report.Status.SUBMITTED)
    return open_round


def _plan(client, round_):
    return client.get(
        reverse("notifications:round_reminder_plan", args=[round_.slug]), HTTP_HX_REQUEST="true"
    )


def test_the_round_page_loads_the_reminder_plan(client, secretariat, soon_round):
    client.force_login(secretariat)

    content = client.get(soon_round.get_absolute_url()).content.decode()

    assert (
        f'data-hx-get="{reverse("notifications:round_reminder_plan", args=[soon_round.slug])}"'
        in content
    )


def test_the_plan_shows_the_schedule_and_the_next_send_with_who_it_reaches(
    client, secretariat, soon_round
):
    client.force_login(secretariat)

    response = _plan(client, soon_round)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert (
        "7 dage før fristen, 1 dag før fristen, 1 dag efter fristen, 7 dage efter fristen"
        in content
    )
    next_date = date_format(timezone.localdate() + datetime.timedelta(days=3), "j. F Y")
    assert f"Næste påmindelse: {next_date} til 28 kommuner:" in content
    assert "Albertslund, Allerød" in content
    assert "Frederiksberg" not in content


def test_a_reminder_already_sent_is_not_planned_again(client, secretariat, soon_round):
    for report in soon_round.reports.filter(status=Report.Status.DRAFT):
        ReminderSent.objects.create(report=report, offset_days=-7, deadline=report.deadline)
    client.force_login(secretariat)

    content = _plan(client, soon_round).content.decode()

    next_date = date_format(timezone.localdate() + datetime.timedelta(days=9), "j. F Y")
    assert f"Næste påmindelse: {next_date} til 28 kommuner:" in content


def test_a_switched_off_round_sends_nothing(
    client, secretariat, soon_round, django_capture_on_commit_callbacks, monkeypatch
):
    seven_days_before = soon_round.deadline - datetime.timedelta(days=7)
    assert len(reminders_due(today=seven_days_before)) == 28
    client.force_login(secretariat)

    response = client.post(
        reverse("notifications:round_reminders_switch", args=[soon_round.slug]),
        {"automatisk": "fra"},
    )

    assert response.status_code == HTTPStatus.FOUND
    pause = RoundReminderPause.objects.get(round=soon_round)
    assert pause.paused_by == secretariat
    assert reminders_due(today=seven_days_before) == []
    monkeypatch.setattr(timezone, "localdate", lambda *args: seven_days_before)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 0
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert "Der sendes ingen automatiske påmindelser." in _plan(client, soon_round).content.decode()


def test_switching_reminders_on_again_plans_them_again(client, secretariat, soon_round):
    client.force_login(secretariat)
    url = reverse("notifications:round_reminders_switch", args=[soon_round.slug])
    client.post(url, {"automatisk": "fra"})

    client.post(url, {"automatisk": "til"})

    assert not RoundReminderPause.objects.exists()
    assert len(reminders_due(today=soon_round.deadline - datetime.timedelta(days=7))) == 28


def test_only_the_rounds_secretariat_sees_or_switches_the_reminders(
    client, coordinator, foreign_secretariat, soon_round
):
    for user in (coordinator, foreign_secretariat):
        client.force_login(user)
        assert _plan(client, soon_round).status_code == HTTPStatus.FORBIDDEN
        response = client.post(
            reverse("notifications:round_reminders_switch", args=[soon_round.slug]),
            {"automatisk": "fra"},
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
    assert not RoundReminderPause.objects.exists()

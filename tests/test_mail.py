"""The mail outbox: every e-mail is stored first, then delivered; a failing server loses none."""

import logging
from http import HTTPStatus
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from post_office.models import STATUS, Email

from core import mail as portal_mail
from core.tasks import OUTBOX_LOCK, deliver_outbox
from municipalities.models import Municipality
from pilots.services import pilot_invite
from portal.celery import app
from tests.factories import PilotProjectFactory

pytestmark = pytest.mark.django_db

TEMPLATE = "accounts/email/password_reset"


def _context(user) -> dict:
    return {
        "user": user,
        "protocol": "https",
        "domain": "psykiatri.example.dk",
        "uid": "MQ",
        "token": "t",
    }


def test_an_email_is_stored_in_the_transaction_and_delivered_after_the_commit(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        portal_mail.send(to=[coordinator.email], template=TEMPLATE, context=_context(coordinator))
        email = Email.objects.get()
        assert email.status == STATUS.queued
        assert mail.outbox == []

    assert len(callbacks) == 1
    email.refresh_from_db()
    assert email.status == STATUS.sent
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert message.from_email == "Psykiatriportalen <noreply@example.dk>"
    assert message.subject == "Nulstil din adgangskode til Psykiatriportalen"


def test_an_action_that_rolls_back_queues_no_email(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        portal_mail.send(to=[coordinator.email], template=TEMPLATE, context=_context(coordinator))
        transaction.set_rollback(True)

    assert callbacks == []
    assert not Email.objects.exists()


def test_nobody_to_send_to_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        portal_mail.send(to=[], template=TEMPLATE, context={})

    assert callbacks == []
    assert not Email.objects.exists()


def test_a_title_with_a_line_break_cannot_inject_a_header(
    coordinator, other_coordinator, own_municipality, django_capture_on_commit_callbacks
):
    project = PilotProjectFactory(
        lead_municipality=own_municipality, title="Fælles\r\nBcc: ond@example.dk\n akuttilbud"
    )

    with django_capture_on_commit_callbacks(execute=True):
        pilot_invite(
            actor=coordinator,
            project=project,
            municipalities=[Municipality.objects.get(code="147")],
        )

    assert Email.objects.get().status == STATUS.sent
    [message] = mail.outbox
    assert message.subject == "Invitation til pilotprojektet Fælles Bcc: ond@example.dk akuttilbud"
    assert message.recipients() == [other_coordinator.email]
    assert message.bcc == []
    assert message.message()["Bcc"] is None


def test_render_joins_the_subject_into_one_line_and_keeps_the_body_as_written(coordinator):
    subject, body = portal_mail.render(
        template="pilots/email/pilot_invitation",
        context={"project": PilotProjectFactory.build(title="To\nlinjer\t i titlen")},
    )

    assert subject == "Invitation til pilotprojektet To linjer i titlen"
    assert "\n\n" in body


def test_delivery_is_one_run_at_a_time(coordinator, django_capture_on_commit_callbacks):
    cache.add(OUTBOX_LOCK, "locked", 60)  # another worker is delivering

    with django_capture_on_commit_callbacks(execute=True):
        portal_mail.send(to=[coordinator.email], template=TEMPLATE, context=_context(coordinator))

    assert Email.objects.get().status == STATUS.queued
    cache.delete(OUTBOX_LOCK)
    assert deliver_outbox() == 1
    assert len(mail.outbox) == 1


def test_the_management_command_delivers_the_outbox(coordinator):
    with transaction.atomic():  # queued, and the delivery after the commit is not run here
        portal_mail.send(to=[coordinator.email], template=TEMPLATE, context=_context(coordinator))
    out = StringIO()

    call_command("deliver_mail", stdout=out)

    assert out.getvalue() == "1 e-mail sendt.\n"
    assert Email.objects.get().status == STATUS.sent
    assert len(mail.outbox) == 1


def test_a_broker_that_cannot_be_reached_leaves_the_mail_in_the_outbox(
    coordinator, django_capture_on_commit_callbacks, broker_down, caplog
):
    with (
        caplog.at_level(logging.WARNING, logger="core.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        portal_mail.send(to=[coordinator.email], template=TEMPLATE, context=_context(coordinator))

    assert Email.objects.get().status == STATUS.queued
    assert "Could not reach the broker for core.tasks.deliver_outbox" in caplog.text


def test_after_the_broker_failed_once_the_next_hand_offs_do_not_wait_for_it(
    coordinator, other_coordinator, django_capture_on_commit_callbacks, broker_down, caplog
):
    with (
        caplog.at_level(logging.WARNING, logger="core.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for user in (coordinator, other_coordinator):
            portal_mail.send(to=[user.email], template=TEMPLATE, context=_context(user))

    assert [record.getMessage() for record in caplog.records] == [
        "Could not reach the broker for core.tasks.deliver_outbox; a periodic run will pick it up.",
        "The broker was just unreachable; core.tasks.deliver_outbox is left for a periodic run.",
    ]
    assert Email.objects.filter(status=STATUS.queued).count() == 2


def test_the_outbox_is_in_the_admin(client, superuser, coordinator):
    portal_mail.send(to=[coordinator.email], template=TEMPLATE, context=_context(coordinator))
    client.force_login(superuser)

    response = client.get(reverse("admin:post_office_email_changelist"))

    assert response.status_code == HTTPStatus.OK
    assert "Nulstil din adgangskode til Psykiatriportalen" in response.content.decode()


SCHEDULE_MIGRATIONS = [
    "core.migrations.0001_outbox_schedule",
    "notifications.migrations.0002_reminder_schedule",
    "jobs.migrations.0002_requeue_schedule",
    "calls.migrations.0002_reminder_schedule",
]


def test_beat_schedules_every_periodic_task_by_a_name_the_worker_knows():
    # Run the migrations' functions again: a transactional test elsewhere may have emptied the
    # tables that the migrations filled when the test database was made.
    PeriodicTask.objects.all().delete()
    for name in SCHEDULE_MIGRATIONS:
        import_module(name).schedule(django_apps, None)
    schedules = {task.task: task for task in PeriodicTask.objects.filter(enabled=True)}

    assert set(schedules) == {
        "core.tasks.deliver_outbox",
        "notifications.tasks.send_reminders",
        "jobs.tasks.requeue_waiting",
        "calls.tasks.send_call_reminders",
    }
    assert all(name in app.tasks for name in schedules)
    delivery = schedules["core.tasks.deliver_outbox"].interval
    assert (delivery.every, delivery.period) == (1, "minutes")
    reminders = schedules["notifications.tasks.send_reminders"].crontab
    assert (reminders.minute, reminders.hour, str(reminders.timezone)) == (
        "0",
        "7",
        "Europe/Copenhagen",
    )


def test_a_schedule_edited_in_the_admin_is_kept_when_beat_starts(client, superuser, monkeypatch):
    from django_celery_beat import schedulers
    from django_celery_beat.models import CrontabSchedule
    from django_celery_beat.schedulers import DatabaseScheduler

    # Beat closes old database connections between its reads; on PostgreSQL that would end
    # the test's own transaction (with CONN_MAX_AGE=0 every connection is "old").
    monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)

    PeriodicTask.objects.all().delete()
    for name in SCHEDULE_MIGRATIONS:
        import_module(name).schedule(django_apps, None)
    reminders = PeriodicTask.objects.get(task="notifications.tasks.send_reminders")
    client.force_login(superuser)
    page = client.get(reverse("admin:django_celery_beat_periodictask_change", args=[reminders.pk]))
    assert page.status_code == HTTPStatus.OK
    # What saving the admin's form does: the reminders at 08:30 instead of 07:00.
    reminders.crontab = CrontabSchedule.objects.create(
        minute="30", hour="8", timezone="Europe/Copenhagen"
    )
    reminders.save()

    DatabaseScheduler(app=app)  # beat's start-up: its default entries, then the settings'

    reminders.refresh_from_db()
    assert (reminders.crontab.minute, reminders.crontab.hour) == ("30", "8")
    assert reminders.enabled


@pytest.mark.parametrize(
    "name",
    [
        "core.tasks.deliver_outbox",
        "notifications.tasks.send_reminders",
        "calls.tasks.send_call_reminders",
        "jobs.tasks.requeue_waiting",
        "jobs.tasks.run_job",
    ],
)
def test_every_task_is_retried_with_backoff_and_a_limit(name):
    task = app.tasks[name]

    assert task.autoretry_for
    assert (task.retry_backoff, task.retry_jitter) == (True, True)
    assert task.retry_backoff_max == 600
    assert 3 <= task.max_retries <= 5


def test_a_periodic_task_that_keeps_failing_is_retried_then_shown_to_administrators(
    client, superuser, monkeypatch
):
    from django.db import OperationalError
    from django_celery_results.models import TaskResult

    from core import tasks as core_tasks

    tries = []

    def database_down():
        tries.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(core_tasks, "get_queued", database_down)

    deliver_outbox.delay()

    assert len(tries) == 1 + deliver_outbox.max_retries
    failure = TaskResult.objects.get(task_name="core.tasks.deliver_outbox", status="FAILURE")
    assert "OperationalError" in failure.traceback
    assert cache.get(OUTBOX_LOCK) is None  # the next run is not locked out
    client.force_login(superuser)
    admin = client.get(reverse("admin:django_celery_results_taskresult_changelist"))
    assert "core.tasks.deliver_outbox" in admin.text

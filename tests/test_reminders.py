"""Automatic reminders: who gets which e-mail on which day, once, and never after submitting."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import Membership
from notifications import selectors as reminder_selectors
from notifications import services as reminders
from notifications.models import ReminderSent
from notifications.tasks import send_reminders
from reporting.models import Report, ReportEvent, ReportingRound
from tests.factories import MembershipFactory, MunicipalityFactory, ReportFactory

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 12, 15)


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REMINDER_OFFSETS_DAYS = [-7, -1, 1, 7]
    settings.SITE_URL = "https://psykiatri.example.dk"
    settings.LANGUAGE_CODE = "da"


def _report(*, status=Report.Status.DRAFT, round_status=ReportingRound.Status.OPEN, **kwargs):
    """A report in a round with the deadline 15 December 2026, and an active coordinator."""
    report = ReportFactory(
        status=status,
        round__status=round_status,
        round__title="Statusopfølgning 2026",
        round__deadline=DEADLINE,
        municipality=MunicipalityFactory(name=kwargs.pop("name", "Testrup")),
        **kwargs,
    )
    MembershipFactory(
        role=Membership.Role.COORDINATOR,
        municipality=report.municipality,
        user__email=f"koordinator.{report.municipality.code}@example.dk",
    )
    return report


def _run(date: str, *args, capture) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("send_reminders", "--date", date, *args, stdout=out)
    return out.getvalue()


def test_reminders_fall_due_seven_days_and_one_day_before_and_after_the_deadline():
    report = _report()

    due_days = {}
    day = datetime.date(2026, 11, 1)
    while day <= datetime.date(2027, 1, 31):
        for due_report, offset in reminder_selectors.reminders_due(today=day):
            assert due_report == report
            due_days[day] = offset
        day += datetime.timedelta(days=1)

    assert due_days == {
        datetime.date(2026, 12, 8): -7,
        datetime.date(2026, 12, 14): -1,
        datetime.date(2026, 12, 16): 1,
        datetime.date(2026, 12, 22): 7,
    }


def test_the_offsets_come_from_the_settings(settings):
    settings.REMINDER_OFFSETS_DAYS = [-3]
    _report()

    assert [o for _r, o in reminder_selectors.reminders_due(today=datetime.date(2026, 12, 12))] == [
        -3
    ]
    assert reminder_selectors.reminders_due(today=datetime.date(2026, 12, 8)) == []


def test_reminder_before_the_deadline_is_a_danish_email_with_a_direct_link(
    django_capture_on_commit_callbacks,
):
    report = _report(name="Testrup")

    output = _run("2026-12-08", capture=django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [f"koordinator.{report.municipality.code}@example.dk"]
    assert message.subject == "Påmindelse: Statusopfølgning 2026 – frist 15. december 2026"
    assert (
        'Dette er en påmindelse om afrapporteringen "Statusopfølgning 2026". Testrups rapport '
        "skal være indsendt senest den 15. december 2026." in message.body
    )
    assert "Der er 7 dage til fristen." in message.body
    assert f"https://psykiatri.example.dk/afrapportering/rapporter/{report.pk}/" in message.body
    assert output.splitlines() == [
        "Sendt: Testrup – Statusopfølgning 2026 – påmindelse 7 dage før fristen "
        f"(frist 15. december 2026) til koordinator.{report.municipality.code}@example.dk",
        "1 påmindelse sendt den 8. december 2026.",
    ]
    reminder = ReminderSent.objects.get()
    assert (reminder.report, reminder.offset_days, reminder.deadline) == (report, -7, DEADLINE)
    event = report.events.get(action=ReportEvent.Action.REMINDED)
    assert event.actor is None
    assert event.comment == "Automatisk påmindelse 7 dage før fristen"


def test_one_day_before_the_deadline_says_one_day(django_capture_on_commit_callbacks):
    _report()

    _run("2026-12-14", capture=django_capture_on_commit_callbacks)

    assert "Der er 1 dag til fristen." in mail.outbox[0].body


def test_reminder_after_the_deadline_says_how_late(django_capture_on_commit_callbacks):
    report = _report(status=Report.Status.RETURNED)

    _run("2026-12-22", capture=django_capture_on_commit_callbacks)

    assert "Fristen er overskredet med 7 dage." in mail.outbox[0].body
    assert "Rapporten er sendt retur fra KKR-sekretariatet" in mail.outbox[0].body
    assert report.reminders.get().offset_days == 7


def test_no_reminder_on_other_days(django_capture_on_commit_callbacks):
    _report()

    for date in ["2026-12-07", "2026-12-09", "2026-12-15", "2026-12-21"]:
        _run(date, capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_an_extended_deadline_shifts_the_reminder_days(django_capture_on_commit_callbacks):
    report = _report(
        deadline_override=datetime.date(2027, 1, 15), deadline_override_reason="Sygdom"
    )

    _run("2026-12-08", capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []

    _run("2027-01-08", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert "senest den 15. januar 2027" in mail.outbox[0].body
    assert report.reminders.get().deadline == datetime.date(2027, 1, 15)


def test_extending_after_a_reminder_gives_fresh_reminders(django_capture_on_commit_callbacks):
    report = _report()
    _run("2026-12-14", capture=django_capture_on_commit_callbacks)

    report.deadline_override = datetime.date(2026, 12, 22)
    report.deadline_override_reason = "Udvalgsmøde"
    report.save()
    _run("2026-12-21", capture=django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert sorted(report.reminders.values_list("offset_days", "deadline")) == [
        (-1, DEADLINE),
        (-1, datetime.date(2026, 12, 22)),
    ]


@pytest.mark.parametrize("status", [Report.Status.SUBMITTED, Report.Status.APPROVED])
def test_submitted_and_approved_reports_get_no_reminder(status, django_capture_on_commit_callbacks):
    _report(status=status)

    _run("2026-12-08", capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


@pytest.mark.parametrize(
    "round_status", [ReportingRound.Status.CLOSED, ReportingRound.Status.DRAFT]
)
def test_rounds_that_are_not_open_get_no_reminders(
    round_status, django_capture_on_commit_callbacks
):
    _report(round_status=round_status)

    _run("2026-12-08", capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_inactive_coordinators_and_other_roles_get_no_reminder(
    django_capture_on_commit_callbacks,
):
    report = _report()
    inactive = MembershipFactory(
        role=Membership.Role.COORDINATOR, municipality=report.municipality
    ).user
    inactive.is_active = False
    inactive.save()
    MembershipFactory(role=Membership.Role.POLITICIAN, municipality=report.municipality)
    MembershipFactory(role=Membership.Role.COORDINATOR)  # another municipality, not due

    _run("2026-12-08", capture=django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[f"koordinator.{report.municipality.code}@example.dk"]]


def test_each_municipality_gets_its_own_email(django_capture_on_commit_callbacks):
    first = _report(name="Aby")
    second = ReportFactory(round=first.round, municipality=MunicipalityFactory(name="Byby"))
    MembershipFactory(role=Membership.Role.COORDINATOR, municipality=second.municipality)
    MembershipFactory(role=Membership.Role.COORDINATOR, municipality=second.municipality)

    _run("2026-12-08", capture=django_capture_on_commit_callbacks)

    assert sorted(len(m.to) for m in mail.outbox) == [1, 2]
    assert ReminderSent.objects.count() == 2


def test_running_twice_the_same_day_sends_nothing_the_second_time(
    django_capture_on_commit_callbacks,
):
    _report()

    _run("2026-12-08", capture=django_capture_on_commit_callbacks)
    output = _run("2026-12-08", capture=django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1
    assert ReportEvent.objects.filter(action=ReportEvent.Action.REMINDED).count() == 1
    assert output == "0 påmindelser sendt den 8. december 2026.\n"


def test_reminder_send_never_sends_the_same_offset_twice(django_capture_on_commit_callbacks):
    report = _report()
    today = datetime.date(2026, 12, 8)

    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.reminder_send(report=report, offset=-7, today=today)
        second = reminders.reminder_send(report=report, offset=-7, today=today)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_a_manual_reminder_does_not_use_up_the_automatic_one(
    django_capture_on_commit_callbacks, secretariat_of
):
    report = _report()
    secretariat = secretariat_of(report)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminder_send_manual(
            actor=secretariat,
            report=report,
            now=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC),
        )

    _run("2026-12-08", capture=django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert report.reminders.get().offset_days == -7


def test_dry_run_prints_in_danish_and_sends_and_records_nothing(
    django_capture_on_commit_callbacks,
):
    report = _report(name="Testrup")

    output = _run("2026-12-16", "--dry-run", capture=django_capture_on_commit_callbacks)

    assert output.splitlines() == [
        "Ville sende: Testrup – Statusopfølgning 2026 – påmindelse 1 dag efter fristen "
        f"(frist 15. december 2026) til koordinator.{report.municipality.code}@example.dk",
        "Prøvekørsel den 16. december 2026: 1 påmindelse ville blive sendt. Intet er sendt.",
    ]
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert not ReportEvent.objects.exists()


def test_an_invalid_date_is_refused_in_danish():
    with pytest.raises(CommandError, match=r"Ugyldig dato: 16-12-2026 \(brug ÅÅÅÅ-MM-DD\)\."):
        call_command("send_reminders", "--date", "16-12-2026", stdout=StringIO())


@pytest.fixture
def secretariat_of():
    def make(report):
        return MembershipFactory(
            role=Membership.Role.SECRETARIAT, kkr=report.municipality.kkr, municipality=None
        ).user

    return make


def test_the_daily_task_sends_todays_reminders_once(django_capture_on_commit_callbacks):
    report = _report()
    today = datetime.date(2026, 12, 8)  # seven days before the deadline

    with (
        mock.patch("django.utils.timezone.localdate", return_value=today),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = send_reminders.delay().get()
        second = send_reminders.delay().get()

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [[f"koordinator.{report.municipality.code}@example.dk"]]
    assert mail.outbox[0].subject == "Påmindelse: Statusopfølgning 2026 – frist 15. december 2026"
    event = report.events.get(action="reminded")
    assert event.comment == "Automatisk påmindelse 7 dage før fristen"

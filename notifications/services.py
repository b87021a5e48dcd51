"""Reminders to municipalities that have not submitted: which are due, and sending them.

Automatic reminders go out on fixed days relative to each report's deadline
(`settings.REMINDER_OFFSETS_DAYS`) and are recorded in `ReminderSent`, so that each goes out
once per offset and deadline: a run of `send_reminders` twice the same day sends nothing the
second time, and an extended deadline gives a fresh set of reminders. The secretariat may also
remind a municipality by hand from the follow-up grid, at most once a day per report.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import coordinator_emails
from core import mail
from notifications.models import ReminderSent, RoundReminderPause
from notifications.selectors import describe_offset, open_and_missing
from reporting.models import Report, ReportEvent, ReportingRound
from reporting.permissions import can_manage_round, can_review_report

MANUAL_REMINDER_INTERVAL = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class ReminderResult:
    """What `reminders_send_missing` did: how many were sent, and who was left out why."""

    sent: int
    recently_reminded: list[str]
    without_coordinators: list[str]


def _send_reminder(report: Report, today: datetime.date, recipients: list[str]) -> None:
    mail.send(
        to=recipients,
        template="notifications/email/reminder",
        context={
            "report": report,
            "round": report.round,
            "days_left": (report.deadline - today).days,
            "days_overdue": (today - report.deadline).days,
            "link": mail.site_url(report.get_absolute_url()),
        },
    )


@transaction.atomic
def reminder_send(
    *, report: Report, offset: int, today: datetime.date, actor: User | None = None
) -> bool:
    """Send the automatic reminder for one offset day; False if it has already gone out."""
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("round", "municipality")
        .filter(open_and_missing())
        .filter(pk=report.pk)
        .first()
    )
    if locked is None:
        return False
    try:
        with transaction.atomic():
            ReminderSent.objects.create(report=locked, offset_days=offset, deadline=locked.deadline)
    except IntegrityError:
        return False
    recipients = coordinator_emails(locked.municipality_id)
    comment = _("Automatisk påmindelse %(when)s") % {"when": describe_offset(offset)}
    if not recipients:
        comment = _("%(comment)s (ingen aktive koordinatorer at sende den til)") % {
            "comment": comment
        }
    ReportEvent.objects.create(
        report=locked, action=ReportEvent.Action.REMINDED, actor=actor, comment=comment
    )
    _send_reminder(locked, today, recipients)
    return True


def _check_remindable(actor: User, report: Report) -> None:
    if not can_review_report(actor, report):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan sende påmindelser."))
    if report.round.status != ReportingRound.Status.OPEN:
        raise ValidationError(_("Der kan kun sendes påmindelser i en åben runde."))
    if report.status not in Report.EDITABLE_STATUSES:
        raise ValidationError(
            _("%(municipality)s har allerede indsendt sin rapport.")
            % {"municipality": report.municipality.name}
        )


def _recently_reminded(report: Report, now: datetime.datetime) -> bool:
    return report.events.filter(
        action=ReportEvent.Action.REMINDED, at__gt=now - MANUAL_REMINDER_INTERVAL
    ).exists()


def _record_manual(
    actor: User, report: Report, now: datetime.datetime, recipients: list[str]
) -> None:
    """Record a manual reminder in the report's history and send it."""
    ReportEvent.objects.create(
        report=report, action=ReportEvent.Action.REMINDED, actor=actor, at=now
    )
    _send_reminder(report, timezone.localdate(now), recipients)


@transaction.atomic
def reminder_send_manual(
    *, actor: User, report: Report, now: datetime.datetime | None = None
) -> Report:
    """Remind one municipality by hand; refused if it was reminded within the last day."""
    now = now or timezone.now()
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("round", "municipality")
        .get(pk=report.pk)
    )
    _check_remindable(actor, locked)
    recipients = coordinator_emails(locked.municipality_id)
    if not recipients:
        raise ValidationError(
            _("%(municipality)s har ingen aktive koordinatorer at sende påmindelsen til.")
            % {"municipality": locked.municipality.name}
        )
    if _recently_reminded(locked, now):
        raise ValidationError(
            _(
                "%(municipality)s har allerede fået en påmindelse inden for det seneste døgn. "
                "Prøv igen i morgen."
            )
            % {"municipality": locked.municipality.name}
        )
    _record_manual(actor, locked, now, recipients)
    return locked


@transaction.atomic
def reminders_send_missing(
    *, actor: User, round_: ReportingRound, now: datetime.datetime | None = None
) -> ReminderResult:
    """Remind every municipality of the round that has not submitted, except recent ones."""
    now = now or timezone.now()
    round_ = (
        ReportingRound.objects.select_for_update(of=("self",))
        .select_related("framework")
        .get(pk=round_.pk)
    )
    if not can_manage_round(actor, round_):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan sende påmindelser."))
    if round_.status != ReportingRound.Status.OPEN:
        raise ValidationError(_("Der kan kun sendes påmindelser i en åben runde."))
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(round=round_, status__in=Report.EDITABLE_STATUSES)
        .select_related("round", "municipality")
        .order_by("municipality__name")
    )
    recent = set(
        ReportEvent.objects.filter(
            report__in=reports,
            action=ReportEvent.Action.REMINDED,
            at__gt=now - MANUAL_REMINDER_INTERVAL,
        ).values_list("report_id", flat=True)
    )
    sent, recently_reminded, without_coordinators = 0, [], []
    for report in reports:
        if report.pk in recent:
            recently_reminded.append(report.municipality.name)
            continue
        recipients = coordinator_emails(report.municipality_id)
        if not recipients:
            without_coordinators.append(report.municipality.name)
            continue
        _record_manual(actor, report, now, recipients)
        sent += 1
    return ReminderResult(
        sent=sent,
        recently_reminded=recently_reminded,
        without_coordinators=without_coordinators,
    )


@transaction.atomic
def round_reminders_switch(*, actor: User, round_: ReportingRound, enabled: bool) -> bool:
    """Switch a round's automatic reminders on or off; returns whether they are on."""
    round_ = (
        ReportingRound.objects.select_for_update(of=("self",))
        .select_related("framework")
        .get(pk=round_.pk)
    )
    if not can_manage_round(actor, round_):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan ændre påmindelserne."))
    if enabled:
        RoundReminderPause.objects.filter(round=round_).delete()
    else:
        RoundReminderPause.objects.get_or_create(round=round_, defaults={"paused_by": actor})
    return enabled

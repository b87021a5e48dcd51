"""The secretariat's import of answers collected outside the portal, e.g. by e-mail.

The file is read and previewed by `exports`; this is the write path, with the same effects as
a coordinator's save (`reports.report_save`): every entry's change in its history (here with
the import as the change reason), the report's version bumped so that a coordinator's open
form cannot silently overwrite it, one event per report, and the round's results version.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from reporting.models import Report, ReportEntry, ReportEvent, ReportingRound
from reporting.permissions import can_manage_round
from reporting.services.rounds import results_changed

# The answers an import may write; methods and links stay with the municipality's own form.
IMPORTABLE_FIELDS = ("status", "narrative", "next_steps", "participation")
# Answers collected after the deadline are often loaded once the round is closed.
IMPORTABLE_ROUND_STATUSES = (ReportingRound.Status.OPEN, ReportingRound.Status.CLOSED)


@dataclass(frozen=True)
class ImportedEntry:
    """New values for one entry, and the values the preview showed for the same fields."""

    entry_id: int
    values: dict[str, object]
    expected: dict[str, object]


def _check_fields(entries: list[ImportedEntry]) -> None:
    for data in entries:
        unknown = (set(data.values) | set(data.expected)) - set(IMPORTABLE_FIELDS)
        if unknown:
            raise ValueError(f"not importable: {sorted(unknown)}")


@transaction.atomic
def report_import_entries(
    *,
    actor: User,
    round_: ReportingRound,
    entries: list[ImportedEntry],
    file_name: str,
    overwrite_approved: bool,
) -> int:
    """Write imported answers into the round's reports, all or nothing; refused if an entry
    changed since the preview or an approved report would change without permission.
    Returns the number of entries written."""
    _check_fields(entries)
    locked_round = (
        ReportingRound.objects.select_for_update().select_related("framework").get(pk=round_.pk)
    )
    if not can_manage_round(actor, locked_round):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan importere svar i runden."))
    if locked_round.status not in IMPORTABLE_ROUND_STATUSES:
        raise ValidationError(_("Der kan kun importeres svar i en åben eller lukket runde."))
    if not entries:
        raise ValidationError(_("Filen indeholder ingen ændringer at importere."))

    wanted = {data.entry_id for data in entries}
    report_ids = set(
        ReportEntry.objects.filter(pk__in=wanted, report__round=locked_round).values_list(
            "report_id", flat=True
        )
    )
    # Reports are locked in one order by every writer, so two imports cannot deadlock.
    reports = list(
        Report.objects.select_for_update()
        .filter(pk__in=report_ids)
        .select_related("municipality")
        .order_by("pk")
    )
    current = {
        entry.pk: entry
        for entry in ReportEntry.objects.filter(pk__in=wanted, report__round=locked_round)
    }
    if set(current) != wanted:
        raise PermissionDenied(_("Linjen hører ikke til runden."))
    approved = sorted(r.municipality.name for r in reports if r.status == Report.Status.APPROVED)
    if approved and not overwrite_approved:
        raise ValidationError(
            _(
                "Godkendte rapporter ændres kun, når du har valgt at overskrive dem: "
                "%(municipalities)s."
            )
            % {"municipalities": ", ".join(approved)}
        )
    for data in entries:
        entry = current[data.entry_id]
        if any(getattr(entry, field) != value for field, value in data.expected.items()):
            raise ValidationError(
                _(
                    "%(code)s i en af rapporterne er ændret, siden du så forhåndsvisningen. "
                    "Se den opdaterede forhåndsvisning, før du bekræfter."
                )
                % {"code": entry.initiative_code},
                code="stale",
            )

    reason = _("Import fra %(file)s") % {"file": file_name}
    for data in entries:
        entry = current[data.entry_id]
        for field, value in data.values.items():
            setattr(entry, field, value)
        # The file's values are this round's answers, no longer the earlier round's.
        entry.carried_over_from = None
        # One save per entry (not a bulk update) so that its history record also keeps the
        # entry's methods, which the history page compares record by record.
        # django-simple-history reads these two instance attributes when the save makes the
        # history record (its documented way to set a reason and a user for one save).
        entry._change_reason = reason  # type: ignore[attr-defined]
        entry._history_user = actor  # type: ignore[attr-defined]
        entry.save()
    now = timezone.now()
    for report in reports:
        report.version += 1
        report.started_at = report.started_at or now
        report.updated_at = now
    bulk_update_with_history(
        reports,
        Report,
        ["version", "started_at", "updated_at"],
        default_user=actor,
        default_change_reason=reason,
    )
    ReportEvent.objects.bulk_create(
        ReportEvent(
            report=report, action=ReportEvent.Action.IMPORTED, actor=actor, comment=file_name
        )
        for report in reports
    )
    results_changed(round_id=locked_round.pk, report_ids=[report.pk for report in reports])
    return len(entries)

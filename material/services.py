"""Writes for the meeting material: start a meeting report, save the agenda item."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from jobs.services import job_start
from material.models import AgendaPaper, MeetingMaterial
from material.permissions import can_make_material
from meetings.models import AgendaItem
from reporting.models import ReportingRound

MEETING_REPORT = "material.meeting_report"


@transaction.atomic
def material_start(
    *, actor: User, round_: ReportingRound, meeting_date: datetime.date | None
) -> MeetingMaterial:
    """Queue the round's meeting report; the job (material.tasks) builds it."""
    if not can_make_material(actor, round_):
        raise PermissionDenied
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status == ReportingRound.Status.DRAFT:
        raise ValidationError(_("En runde, der ikke er åbnet, har intet mødemateriale."))
    job = job_start(kind=MEETING_REPORT, created_by=actor, params={"round": round_.pk})
    return MeetingMaterial.objects.create(round=round_, job=job, meeting_date=meeting_date)


@transaction.atomic
def agenda_paper_save(
    *,
    actor: User,
    round_: ReportingRound,
    title: str,
    background: str,
    recommendation: str,
    presentation: str,
    agenda_item: AgendaItem | None,
) -> AgendaPaper:
    """Save the round's agenda item; a linked KKR agenda item gets its recommendation."""
    if not can_make_material(actor, round_):
        raise PermissionDenied
    if agenda_item is not None and agenda_item.reporting_round_id != round_.pk:
        raise ValidationError(_("Dagsordenspunktet henviser ikke til denne runde."))
    paper, _created = AgendaPaper.objects.select_for_update().update_or_create(
        round=round_,
        defaults={
            "title": title,
            "background": background,
            "recommendation": recommendation,
            "presentation": presentation,
            "agenda_item": agenda_item,
            "updated_by": actor,
        },
    )
    if agenda_item is not None:
        agenda_item.recommendation = recommendation
        agenda_item.save(update_fields=["recommendation", "updated_at"])
    return paper

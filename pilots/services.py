"""Writes with rules for pilot projects: create, update, invite municipalities, respond."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.selectors import coordinator_emails
from commitments.models import Framework, Initiative
from core import mail
from core.validators import validate_no_cpr_number, validate_single_line
from municipalities.models import Municipality
from pilots.models import PilotParticipation, PilotProject
from pilots.permissions import can_edit_pilot, can_lead_from, can_respond
from pilots.selectors import invitable_municipalities

FREE_TEXT_FIELDS = ("title", "description", "contact_name", "results")
SINGLE_LINE_FIELDS = ("title", "contact_name")


def _check_no_cpr(project: PilotProject) -> None:
    errors = {}
    for field in FREE_TEXT_FIELDS:
        try:
            validate_no_cpr_number(getattr(project, field))
        except ValidationError as error:
            errors[field] = error.messages
    for field in SINGLE_LINE_FIELDS:
        try:
            validate_single_line(getattr(project, field))
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)
    if errors:
        raise ValidationError(errors)


def pilots_changed(*, project: PilotProject) -> None:
    """Mark the pilot projects of the project's framework as changed, so that cached dashboard
    pages that show them are rendered again (dashboards/cache.py)."""
    Framework.objects.filter(initiatives__pk=project.initiative_id).update(
        pilots_version=F("pilots_version") + 1
    )


def _lock_editable(actor: User, project: PilotProject) -> PilotProject:
    """Lock the project's row, then refuse unless the actor's municipality leads it."""
    locked = (
        PilotProject.objects.select_for_update(of=("self",))
        .select_related("lead_municipality")
        .get(pk=project.pk)
    )
    if not can_edit_pilot(actor, locked):
        raise PermissionDenied(_("Kun tovholderkommunens koordinatorer kan ændre pilotprojektet."))
    return locked


@transaction.atomic
def pilot_create(
    *,
    actor: User,
    initiative: Initiative,
    lead_municipality: Municipality,
    title: str,
    description: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    status: str = PilotProject.Status.PLANNED,
    contact_name: str = "",
    contact_email: str = "",
) -> PilotProject:
    """Start a pilot project led by one of the actor's own municipalities."""
    if not can_lead_from(actor, lead_municipality.pk):
        raise PermissionDenied(
            _("Du kan kun oprette pilotprojekter med din egen kommune som tovholder.")
        )
    if (
        initiative.kind != Initiative.Kind.PILOT
        or initiative.framework.status != Framework.Status.ADOPTED
        or initiative.framework.kkr_id != lead_municipality.kkr_id
    ):
        raise ValidationError(
            {
                "initiative": _(
                    "Vælg en pilotindsats fra et vedtaget rammepapir i tovholderkommunens KKR."
                )
            }
        )
    project = PilotProject(
        initiative=initiative,
        lead_municipality=lead_municipality,
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        contact_name=contact_name,
        contact_email=contact_email,
    )
    _check_no_cpr(project)
    project.full_clean()
    project.save()
    pilots_changed(project=project)
    return project


@transaction.atomic
def pilot_update(
    *,
    actor: User,
    project: PilotProject,
    title: str,
    description: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    status: str,
    contact_name: str,
    contact_email: str,
    results: str,
    results_published: bool,
) -> PilotProject:
    """Change a pilot project, its results and whether the results are shared."""
    project = _lock_editable(actor, project)
    project.title = title
    project.description = description
    project.starts_on = starts_on
    project.ends_on = ends_on
    project.status = status
    project.contact_name = contact_name
    project.contact_email = contact_email
    project.results = results
    project.results_published = results_published
    if results_published and not results.strip():
        raise ValidationError({"results": _("Skriv resultaterne, før de deles.")})
    _check_no_cpr(project)
    project.full_clean()
    project.save()
    pilots_changed(project=project)
    return project


@transaction.atomic
def pilot_invite(
    *, actor: User, project: PilotProject, municipalities: Iterable[Municipality]
) -> list[PilotParticipation]:
    """Invite municipalities of the same KKR; their coordinators get an e-mail."""
    project = _lock_editable(actor, project)
    municipalities = list(municipalities)
    if not municipalities:
        raise ValidationError({"municipalities": _("Vælg mindst én kommune.")})
    allowed = set(invitable_municipalities(project).values_list("pk", flat=True))
    refused = sorted(m.name for m in municipalities if m.pk not in allowed)
    if refused:
        raise ValidationError(
            {
                "municipalities": _(
                    "Kan ikke inviteres: %(names)s. Kun kommuner i samme KKR, som ikke "
                    "allerede er inviteret, kan inviteres."
                )
                % {"names": ", ".join(refused)}
            }
        )
    participations = bulk_create_with_history(
        [
            PilotParticipation(project=project, municipality=municipality, invited_by=actor)
            for municipality in municipalities
        ],
        PilotParticipation,
        default_user=actor,
        default_change_reason="invited",
    )
    pilots_changed(project=project)
    link = mail.site_url(project.get_absolute_url())
    for municipality in municipalities:
        mail.send(
            to=coordinator_emails(municipality.pk),
            template="pilots/email/pilot_invitation",
            context={
                "project": project,
                "municipality": municipality,
                "actor": actor,
                "link": link,
            },
        )
    return participations


@transaction.atomic
def pilot_respond(
    *, actor: User, participation: PilotParticipation, accept: bool
) -> PilotParticipation:
    """An invited municipality's coordinator accepts or declines the invitation."""
    participation = PilotParticipation.objects.select_for_update().get(pk=participation.pk)
    if not can_respond(actor, participation):
        raise PermissionDenied(
            _("Kun den inviterede kommunes koordinatorer kan svare på invitationen.")
        )
    if participation.status != PilotParticipation.Status.INVITED:
        raise ValidationError(_("Invitationen er allerede besvaret."))
    participation.status = (
        PilotParticipation.Status.ACCEPTED if accept else PilotParticipation.Status.DECLINED
    )
    participation.save(update_fields=["status", "updated_at"])
    pilots_changed(project=participation.project)
    return participation

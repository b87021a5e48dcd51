"""A person's data: export it, and anonymise a departed user without breaking history.

Every row that names a user does so through a foreign key to the user (history rows'
`history_user`, report events' `actor`, `submitted_by`, `uploaded_by`, `invited_by`, the admin
log), so both services find those rows from the user model's relations rather than from a
list that the next model would be missing from. docs/personal-data.md says what is held, why,
and for how long.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ForeignObjectRel
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.services import memberships_changed
from privacy.permissions import can_anonymise_user

logger = logging.getLogger(__name__)

LOGIN_RECORD_MODELS = (AccessAttempt, AccessFailureLog, AccessLog)


def _attributions(user: User) -> list[tuple[type[models.Model], str, models.QuerySet]]:
    """Every (model, field, rows) where a foreign key points at the user, memberships aside."""
    found = []
    for relation in User._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue
        model = relation.related_model
        if not isinstance(model, type) or model is Membership:
            continue
        rows = model._default_manager.filter(**{relation.field.name: user}).order_by("pk")
        found.append((model, relation.field.name, rows))
    return sorted(found, key=lambda item: (item[0]._meta.label_lower, item[1]))


def _user_sessions(user: User) -> list[Session]:
    # Sessions are stored signed and encoded, so the user's own are found by reading each.
    return [
        session
        for session in Session.objects.iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]


def user_export(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about a user: account, memberships, what they did, logins."""
    memberships = user.memberships.select_related("kkr", "municipality").order_by("pk")
    actions = []
    for model, field, rows in _attributions(user):
        serialized = serializers.serialize("python", rows)
        if serialized:
            actions.append(
                {
                    "model": model._meta.label_lower,
                    "beskrivelse": str(model._meta.verbose_name),
                    "felt": field,
                    "rækker": [{"id": row["pk"], **row["fields"]} for row in serialized],
                }
            )
    login_records = [
        {
            "model": model._meta.label_lower,
            "tidspunkt": record.attempt_time,
            "ip_adresse": record.ip_address,
            "browser": record.user_agent,
        }
        for model in LOGIN_RECORD_MODELS
        for record in model.objects.filter(username__iexact=user.email).order_by("attempt_time")
    ]
    return {
        "eksporteret": timezone.now(),
        "bruger": {
            "id": user.pk,
            "e_mail": user.email,
            "navn": user.full_name,
            "aktiv": user.is_active,
            "systemadministrator": user.is_staff,
            "superbruger": user.is_superuser,
            "oprettet": user.date_joined,
            "sidst_logget_ind": user.last_login,
        },
        "medlemskaber": [
            {
                "id": membership.pk,
                "rolle": membership.get_role_display(),
                "organisation": str(membership.organisation),
                "oprettet": membership.created_at,
                "inviteret_af_id": membership.invited_by_id,
            }
            for membership in memberships
        ],
        "handlinger": actions,
        "loginforsøg": login_records,
        "aktive_sessioner": len(_user_sessions(user)),
    }


@transaction.atomic
def user_anonymise(*, actor: User | None, user: User) -> User:
    """Anonymise a departed user: the row stays for history, everything that names them goes.

    `actor` is the administrator doing it, or None for the management command run by the
    operator. Rows that point at the user (history, report events, uploads) keep pointing at
    the same id, which now shows as "Slettet bruger".
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None and not can_anonymise_user(actor, locked):
        raise PermissionDenied(_("Du kan ikke anonymisere denne bruger."))
    if locked.is_anonymised:
        raise ValidationError(_("Brugeren er allerede anonymiseret."), code="anonymised")

    old_email = locked.email
    locked.email = f"slettet-{locked.pk}@{User.ANONYMISED_DOMAIN}"
    locked.full_name = ""
    locked.set_unusable_password()
    locked.is_active = False
    locked.is_staff = False
    locked.is_superuser = False
    locked.last_login = None
    locked.save()
    locked.groups.clear()
    locked.user_permissions.clear()
    Membership.objects.filter(user=locked).delete()
    memberships_changed(user_id=locked.pk)
    for model in LOGIN_RECORD_MODELS:
        model.objects.filter(username__iexact=old_email).delete()
    Session.objects.filter(pk__in=[session.pk for session in _user_sessions(locked)]).delete()
    # The admin log names the objects it changed as they were called then.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(locked.pk)
    ).update(object_repr=str(locked))
    logger.info(
        "User anonymised",
        extra={"anonymised_user_id": locked.pk, "actor_id": actor.pk if actor else None},
    )
    return locked

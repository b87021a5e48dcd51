"""Writes with rules: inviting people, changing and revoking roles, deactivating, unlocking."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import (
    ONE_ORGANISATION_MESSAGE,
    Membership,
    RoleOffer,
    User,
    validate_role_organisation,
)
from accounts.permissions import (
    can_grant,
    can_manage_membership,
    can_manage_user,
    is_administrator,
)
from accounts.tokens import invitation_token_generator
from core import mail
from core.validators import validate_no_cpr_number, validate_single_line
from municipalities.models import KKR, Municipality


def memberships_changed(*, user_id: int) -> None:
    """Mark the user's memberships as changed, so that the copy kept in memory is read again
    (accounts.permissions.get_memberships). Every write of a membership calls it."""
    User.objects.filter(pk=user_id).update(memberships_version=F("memberships_version") + 1)


def invitation_link(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    path = reverse("accounts:invitation_accept", kwargs={"uidb64": uid, "token": token})
    return mail.site_url(path)


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    kkr: KKR | None = None,
    municipality: Municipality | None = None,
) -> User:
    """Invite a person to a role in an organisation; returns the person.

    A new person gets an account and the role at once, with a link to choose a password. A
    person who already has an account is asked to accept the role (RoleOffer); until they
    do, nothing changes for them. The actor learns nothing about which case it was.
    """
    if kkr is not None:
        organisation_kkr_id = kkr.pk
    elif municipality is not None:
        organisation_kkr_id = municipality.kkr_id
    else:
        raise ValidationError(ONE_ORGANISATION_MESSAGE, code="role")
    if not can_grant(actor, kkr_id=organisation_kkr_id):
        raise PermissionDenied(_("Du kan kun tildele roller i dit eget KKR."))
    validate_role_organisation(role=role, kkr=kkr, municipality=municipality)

    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    context = {
        "role": Membership.Role(role).label,
        "organisation": kkr or municipality,
        "actor": actor,
        "login_url": mail.site_url(reverse("accounts:login")),
        "timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    if user is None:
        try:
            validate_no_cpr_number(full_name)
            validate_single_line(full_name)
        except ValidationError as error:
            raise ValidationError({"full_name": error.messages}) from error
        user = User.objects.create_user(email=email, full_name=full_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(
            user=user, role=role, kkr=kkr, municipality=municipality, invited_by=actor
        )
        memberships_changed(user_id=user.pk)
        context |= {"user": user, "link": invitation_link(user=user)}
        mail.send(to=[user.email], template="accounts/email/invitation", context=context)
        return user
    if Membership.objects.filter(user=user, role=role, kkr=kkr, municipality=municipality).exists():
        return user
    RoleOffer.objects.get_or_create(
        user=user,
        role=role,
        kkr=kkr,
        municipality=municipality,
        defaults={"invited_by": actor},
    )
    context |= {
        "user": user,
        "offers_url": mail.site_url(reverse("accounts:my_organisations")),
    }
    mail.send(to=[user.email], template="accounts/email/role_offer", context=context)
    return user


@transaction.atomic
def role_offer_answer(*, actor: User, offer: RoleOffer, accept: bool) -> Membership | None:
    """The invited person accepts (the role becomes theirs) or declines an offered role."""
    if offer.user_id != actor.pk:
        raise PermissionDenied(_("Invitationen er til en anden person."))
    membership = None
    if accept:
        membership, _created = Membership.objects.get_or_create(
            user=actor,
            role=offer.role,
            kkr=offer.kkr,
            municipality=offer.municipality,
            defaults={"invited_by": offer.invited_by},
        )
        memberships_changed(user_id=actor.pk)
    offer.delete()
    return membership


def _lock_manageable_membership(*, actor: User, membership: Membership) -> Membership:
    """Lock the membership's row, then refuse unless it is in a KKR the actor manages."""
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "kkr", "municipality")
        .get(pk=membership.pk)
    )
    if not can_manage_membership(actor, locked):
        raise PermissionDenied(_("Du kan kun ændre roller i dit eget KKR."))
    return locked


def _require_manageable_user(*, actor: User, user: User) -> None:
    if not can_manage_user(actor, user):
        raise PermissionDenied(
            _(
                "Personen har også roller uden for dit KKR. Fjern i stedet rollerne i dit "
                "KKR, eller kontakt en systemadministrator."
            )
        )


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Change the role of a membership, within the same organisation."""
    membership = _lock_manageable_membership(actor=actor, membership=membership)
    _require_manageable_user(actor=actor, user=membership.user)
    validate_role_organisation(role=role, kkr=membership.kkr, municipality=membership.municipality)
    if (
        Membership.objects.filter(
            user=membership.user,
            role=role,
            kkr=membership.kkr,
            municipality=membership.municipality,
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(_("Personen har allerede denne rolle i denne organisation."))
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    memberships_changed(user_id=membership.user_id)
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
    """Take a role in the actor's KKR away from a person (never from an administrator)."""
    membership = _lock_manageable_membership(actor=actor, membership=membership)
    if membership.user.is_superuser and not is_administrator(actor):
        raise PermissionDenied(_("Kun en systemadministrator kan ændre en administrator."))
    membership.delete()
    memberships_changed(user_id=membership.user_id)


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Stop a person from signing in; only when every role they hold is in the actor's KKRs."""
    if user.pk == actor.pk:
        raise ValidationError(_("Du kan ikke deaktivere dig selv."))
    if not User.objects.manageable_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("Du kan kun deaktivere brugere i dit eget KKR."))
    if not can_manage_user(actor, user):
        raise ValidationError(
            _(
                "Personen har også roller uden for dit KKR. Fjern i stedet rollerne i dit "
                "KKR, eller kontakt en systemadministrator."
            )
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    """Let a deactivated person sign in again."""
    if not User.objects.manageable_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("Du kan kun genaktivere brugere i dit eget KKR."))
    _require_manageable_user(actor=actor, user=user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def user_unlock(*, actor: User, user: User) -> int:
    """Lift a login lock-out (django-axes) for a person; returns the attempts cleared."""
    if not User.objects.manageable_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("Du kan kun ophæve spærringer for brugere i dit eget KKR."))
    _require_manageable_user(actor=actor, user=user)
    return axes_reset(username=user.email)

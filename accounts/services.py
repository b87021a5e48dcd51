"""Writes with rules: inviting people, changing and revoking roles, deactivating, unlocking."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.permissions import can_grant, can_manage_membership, manageable_kkr_ids
from accounts.tokens import invitation_token_generator
from core import mail
from municipalities.models import KKR, Municipality


def _check_role_fits(*, role: str, kkr: KKR | None, municipality: Municipality | None) -> None:
    if role == Membership.Role.SECRETARIAT and kkr is None:
        raise ValidationError(_("Et sekretariatsmedlemskab hører til et KKR."), code="role")
    if role == Membership.Role.COORDINATOR and municipality is None:
        raise ValidationError(_("Et koordinatormedlemskab hører til en kommune."), code="role")


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
) -> Membership:
    """Give a person a role in an organisation, creating and inviting them if they are new."""
    if kkr is not None:
        organisation_kkr_id = kkr.pk
    elif municipality is not None:
        organisation_kkr_id = municipality.kkr_id
    else:
        raise ValidationError(_("Vælg enten et KKR eller en kommune, ikke begge."), code="role")
    if not can_grant(actor, kkr_id=organisation_kkr_id):
        raise PermissionDenied(_("Du kan kun tildele roller i dit eget KKR."))
    _check_role_fits(role=role, kkr=kkr, municipality=municipality)

    email = User.objects.normalize_email(email).lower()
    user, created = User.objects.get_or_create(
        email__iexact=email, defaults={"email": email, "full_name": full_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if Membership.objects.filter(user=user, role=role, kkr=kkr, municipality=municipality).exists():
        raise ValidationError(_("Personen har allerede denne rolle i denne organisation."))
    membership = Membership.objects.create(
        user=user, role=role, kkr=kkr, municipality=municipality, invited_by=actor
    )
    needs_password = not user.has_usable_password()
    context = {
        "user": user,
        "membership": membership,
        "actor": actor,
        "link": invitation_link(user=user) if needs_password else None,
        "login_url": mail.site_url(reverse("accounts:login")),
        "timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    mail.send(to=[user.email], template="accounts/email/invitation", context=context)
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


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Change the role of a membership, within the same organisation."""
    membership = _lock_manageable_membership(actor=actor, membership=membership)
    _check_role_fits(role=role, kkr=membership.kkr, municipality=membership.municipality)
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
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
    """Take a role away from a person."""
    _lock_manageable_membership(actor=actor, membership=membership).delete()


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Stop a person from signing in; only when every role they hold is in the actor's KKRs."""
    if user.pk == actor.pk:
        raise ValidationError(_("Du kan ikke deaktivere dig selv."))
    kkr_ids = manageable_kkr_ids(actor)
    if kkr_ids is not None:
        outside = Membership.objects.filter(user=user).exclude(
            pk__in=Membership.objects.manageable_by(actor)
        )
        if not Membership.objects.manageable_by(actor).filter(user=user).exists():
            raise PermissionDenied(_("Du kan kun deaktivere brugere i dit eget KKR."))
        if outside.exists() or user.is_superuser:
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
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def user_unlock(*, actor: User, user: User) -> int:
    """Lift a login lock-out (django-axes) for a person; returns the attempts cleared."""
    if not User.objects.manageable_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("Du kan kun ophæve spærringer for brugere i dit eget KKR."))
    return axes_reset(username=user.email)

"""People and the roles they hold in organisations.

A person signs in with an e-mail address. What they may do follows from memberships:
(user, role, organisation), where the organisation is a KKR or a municipality. A person may
hold several memberships, e.g. coordinator for two municipalities.
"""

from __future__ import annotations

from typing import ClassVar, cast

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.validators import validate_no_cpr_number, validate_single_line
from municipalities.models import KKR, Municipality


class UserQuerySet(models.QuerySet):
    def manageable_by(self, user: User) -> UserQuerySet:
        """Users holding a membership in a KKR (or its municipalities) the user manages."""
        from accounts.permissions import manageable_kkr_ids

        kkr_ids = manageable_kkr_ids(user)
        if kkr_ids is None:
            return self
        return self.filter(
            models.Q(memberships__kkr_id__in=kkr_ids)
            | models.Q(memberships__municipality__kkr_id__in=kkr_ids)
        ).distinct()


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    # django-stubs cannot type a manager made from a queryset as a base class.
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    # A departed user's row is kept, so that history still points at it, under an address in
    # the reserved .invalid domain that no real person has (privacy.services.user_anonymise).
    ANONYMISED_DOMAIN = "anonymiseret.invalid"

    email = models.EmailField(_("e-mailadresse"), unique=True)
    full_name = models.CharField(
        _("fulde navn"),
        max_length=150,
        blank=True,
        validators=[validate_no_cpr_number, validate_single_line],
    )
    is_staff = models.BooleanField(
        _("systemadministrator"),
        default=False,
        help_text=_("Må logge ind i administrationsmodulet."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("oprettet"), default=timezone.now)
    # Bumped by every service that changes the user's memberships (accounts.services.
    # memberships_changed): the memberships and scope kept in memory between requests are
    # keyed by it (accounts.permissions.get_memberships), so they are never stale.
    memberships_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        if self.is_anonymised:
            return str(_("Slettet bruger"))
        return self.full_name or self.email

    def get_short_name(self) -> str:
        if self.is_anonymised:
            return str(_("Slettet bruger"))
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_anonymised(self) -> bool:
        return self.email.endswith(f"@{self.ANONYMISED_DOMAIN}")


class MembershipQuerySet(models.QuerySet):
    def manageable_by(self, user: User) -> MembershipQuerySet:
        """Memberships in the KKRs (and their municipalities) the user manages."""
        from accounts.permissions import manageable_kkr_ids

        kkr_ids = manageable_kkr_ids(user)
        if kkr_ids is None:
            return self
        return self.filter(
            models.Q(kkr_id__in=kkr_ids) | models.Q(municipality__kkr_id__in=kkr_ids)
        )


# A membership, and the offer of one, is a role in a KKR or in a municipality, never both or
# neither; a secretariat's role is in a KKR, a coordinator's in a municipality. The same rules
# for both models: kept by the database, and checked by the services before a write with the
# same messages.
ONE_ORGANISATION_MESSAGE = _("Vælg enten et KKR eller en kommune, ikke begge.")
SECRETARIAT_IN_KKR_MESSAGE = _("Et sekretariatsmedlemskab hører til et KKR.")
COORDINATOR_IN_MUNICIPALITY_MESSAGE = _("Et koordinatormedlemskab hører til en kommune.")


def role_organisation_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The rules as check constraints, named `<prefix>_…` after the model that has them."""
    return [
        models.CheckConstraint(
            condition=(models.Q(kkr__isnull=False) & models.Q(municipality__isnull=True))
            | (models.Q(kkr__isnull=True) & models.Q(municipality__isnull=False)),
            name=f"{prefix}_exactly_one_organisation",
            violation_error_message=ONE_ORGANISATION_MESSAGE,
        ),
        models.CheckConstraint(
            condition=~models.Q(role="secretariat") | models.Q(kkr__isnull=False),
            name=f"{prefix}_secretariat_belongs_to_kkr",
            violation_error_message=SECRETARIAT_IN_KKR_MESSAGE,
        ),
        models.CheckConstraint(
            condition=~models.Q(role="coordinator") | models.Q(municipality__isnull=False),
            name=f"{prefix}_coordinator_belongs_to_municipality",
            violation_error_message=COORDINATOR_IN_MUNICIPALITY_MESSAGE,
        ),
    ]


def validate_role_organisation(
    *, role: str, kkr: KKR | None, municipality: Municipality | None
) -> None:
    """The rules of role_organisation_constraints, before a write: a ValidationError with the
    message of the first one broken."""
    if (kkr is None) == (municipality is None):
        raise ValidationError(ONE_ORGANISATION_MESSAGE, code="role")
    if role == "secretariat" and kkr is None:
        raise ValidationError(SECRETARIAT_IN_KKR_MESSAGE, code="role")
    if role == "coordinator" and municipality is None:
        raise ValidationError(COORDINATOR_IN_MUNICIPALITY_MESSAGE, code="role")


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("KKR-sekretariat")
        COORDINATOR = "coordinator", _("Kommunal koordinator")
        POLITICIAN = "politician", _("Politiker (kun læseadgang)")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("bruger")
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    kkr = models.ForeignKey(
        KKR,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("KKR"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("kommune"),
    )
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inviteret af"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        ordering = ["user", "role"]
        constraints = [
            *role_organisation_constraints("membership"),
            models.UniqueConstraint(
                fields=["user", "role", "kkr"],
                condition=models.Q(kkr__isnull=False),
                name="membership_unique_kkr_role",
                violation_error_message=_("Brugeren har allerede denne rolle i dette KKR."),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=models.Q(municipality__isnull=False),
                name="membership_unique_municipality_role",
                violation_error_message=_("Brugeren har allerede denne rolle i denne kommune."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}, {self.organisation}"

    @property
    def organisation(self) -> KKR | Municipality:
        # The membership_exactly_one_organisation constraint: a KKR, else a municipality.
        return self.kkr or cast(Municipality, self.municipality)

    @property
    def owning_kkr_id(self) -> int:
        """The KKR this membership falls under (the KKR itself or the municipality's)."""
        return self.kkr_id or cast(Municipality, self.municipality).kkr_id


class RoleOffer(TimeStampedModel):
    """A role offered to a person who already has an account, until they accept it.

    An existing account is never pulled into an organisation: its owner decides (decision
    0014). New people get their membership at once; setting their password accepts it.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_offers", verbose_name=_("bruger")
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Membership.Role.choices)
    kkr = models.ForeignKey(
        KKR,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("KKR"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kommune"),
    )
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inviteret af"),
    )

    class Meta:
        verbose_name = _("rolletilbud")
        verbose_name_plural = _("rolletilbud")
        ordering = ["created_at"]
        constraints = role_organisation_constraints("role_offer")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}, {self.organisation}"

    @property
    def organisation(self) -> KKR | Municipality:
        return self.kkr or cast(Municipality, self.municipality)

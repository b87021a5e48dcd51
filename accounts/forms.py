from typing import Any, cast

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from accounts.permissions import manageable_kkr_ids
from core import mail
from municipalities.models import KKR, Municipality


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's password reset, its e-mail sent through the outbox like every other."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        mail.send(to=[to_email], template="accounts/email/password_reset", context=context)


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, asking for the e-mail address the user signs in with."""

    username = forms.EmailField(
        label=_("E-mailadresse"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Forkert e-mailadresse eller adgangskode. Bemærk, at adgangskoden skelner mellem "
            "store og små bogstaver."
        ),
        "inactive": _("Denne konto er deaktiveret."),
    }


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


def organisation_choices(actor: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """The organisations the actor may grant roles in, grouped by KKR, as form choices."""
    kkr_ids = manageable_kkr_ids(actor)
    kkrs = KKR.objects.prefetch_related("municipalities").order_by("name")
    if kkr_ids is not None:
        kkrs = kkrs.filter(pk__in=kkr_ids)
    choices = []
    for kkr in kkrs:
        options = [(f"kkr:{kkr.pk}", _("%(kkr)s (hele KKR)") % {"kkr": kkr.name})]
        options += [(f"municipality:{m.pk}", m.name) for m in kkr.municipalities.all()]
        choices.append((kkr.name, options))
    return choices


class OrganisationField(forms.ChoiceField):
    """A KKR or a municipality, chosen from one grouped list."""

    def organisation(self, value: str) -> tuple[KKR | None, Municipality | None]:
        kind, _sep, pk = value.partition(":")
        if kind == "kkr":
            return KKR.objects.get(pk=pk), None
        return None, Municipality.objects.select_related("kkr").get(pk=pk)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadresse"))
    full_name = forms.CharField(label=_("Fulde navn"), max_length=150)
    role = forms.ChoiceField(label=_("Rolle"), choices=Membership.Role.choices)
    organisation = OrganisationField(label=_("Organisation"))

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = cast(OrganisationField, self.fields["organisation"])
        organisation.choices = [("", "---------"), *organisation_choices(actor)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        value = cleaned.get("organisation")
        if value:
            kkr, municipality = cast(OrganisationField, self.fields["organisation"]).organisation(
                value
            )
            cleaned["kkr"], cleaned["municipality"] = kkr, municipality
            role = cleaned.get("role")
            if role == Membership.Role.SECRETARIAT and kkr is None:
                self.add_error("organisation", _("Vælg et KKR til en sekretariatsrolle."))
            if role == Membership.Role.COORDINATOR and municipality is None:
                self.add_error("organisation", _("Vælg en kommune til en koordinatorrolle."))
        return cleaned


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Ny rolle"), choices=Membership.Role.choices)


class InvitationAcceptForm(auth_forms.SetPasswordForm):
    """Choose a first password; Django's validators apply."""

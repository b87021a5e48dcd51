"""Input shape for pilot projects: the filter of the list, create, edit and invite forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import get_scope
from commitments.models import Initiative
from core.forms import DanishDateField
from core.validators import validate_no_cpr_number
from municipalities.models import Municipality
from pilots.models import PilotProject
from pilots.selectors import invitable_municipalities, pilot_initiatives_for


class InitiativeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Initiative) -> str:
        return f"{obj.code} {obj.title}"


class _PilotFieldsForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "description", "contact_name", "results"):
            if name in self.fields:
                self.fields[name].validators.append(validate_no_cpr_number)
        self.fields["description"].widget.attrs["rows"] = 5


class PilotProjectCreateForm(_PilotFieldsForm):
    initiative = InitiativeChoiceField(
        label=_("Pilotindsats"), queryset=Initiative.objects.none(), empty_label=None
    )

    class Meta:
        model = PilotProject
        fields = [
            "initiative",
            "lead_municipality",
            "title",
            "description",
            "starts_on",
            "ends_on",
            "status",
            "contact_name",
            "contact_email",
        ]
        field_classes = {"starts_on": DanishDateField, "ends_on": DanishDateField}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        initiative = cast(forms.ModelChoiceField, self.fields["initiative"])
        initiative.queryset = pilot_initiatives_for(actor).in_display_order()
        lead = cast(forms.ModelChoiceField, self.fields["lead_municipality"])
        lead.queryset = Municipality.objects.filter(
            pk__in=get_scope(actor).coordinator_municipality_ids
        ).order_by("name")
        lead.empty_label = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        initiative, lead = data.get("initiative"), data.get("lead_municipality")
        if initiative and lead and initiative.framework.kkr_id != lead.kkr_id:
            self.add_error(
                "initiative",
                _("Pilotindsatsen skal høre til et rammepapir i tovholderkommunens KKR."),
            )
        return data


class PilotProjectEditForm(_PilotFieldsForm):
    class Meta:
        model = PilotProject
        fields = [
            "title",
            "description",
            "starts_on",
            "ends_on",
            "status",
            "contact_name",
            "contact_email",
            "results",
            "results_published",
        ]
        field_classes = {"starts_on": DanishDateField, "ends_on": DanishDateField}
        labels = {"results_published": _("Del resultaterne med de øvrige kommuner")}
        help_texts = {
            "results": _(
                "Hvad har I lært? Hvad kan andre kommuner bruge? Ingen borgeroplysninger."
            ),
        }


class PilotInviteForm(forms.Form):
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommuner"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én kommune.")},
    )

    def __init__(self, *args, project: PilotProject, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = cast(forms.ModelMultipleChoiceField, self.fields["municipalities"])
        municipalities.queryset = invitable_municipalities(project)

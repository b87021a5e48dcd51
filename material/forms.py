"""Input shape for the meeting report's start and the agenda item."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DanishDateField
from meetings.models import AgendaItem
from reporting.models import ReportingRound


class MaterialStartForm(forms.Form):
    meeting_date = DanishDateField(
        label=_("Mødedato"),
        required=False,
        help_text=_(
            "Står på forsiden. Forudfyldt fra KKR-mødet, hvis et punkt henviser til runden."
        ),
    )


class AgendaItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return f"{obj.meeting} – {obj}"


class AgendaPaperForm(forms.Form):
    title = forms.CharField(label=_("Overskrift"), max_length=200)
    background = forms.CharField(label=_("Baggrund"), widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.CharField(
        label=_("Indstilling"), widget=forms.Textarea(attrs={"rows": 4})
    )
    presentation = forms.CharField(
        label=_("Sagsfremstilling"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Afsnit skilles ad af en tom linje."),
    )
    agenda_item = AgendaItemChoiceField(
        label=_("Punkt på KKR-mødets dagsorden"),
        queryset=AgendaItem.objects.none(),
        required=False,
        help_text=_("Punktet får indstillingen. Kun punkter, der henviser til runden."),
    )

    def __init__(self, *args, round_: ReportingRound, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(AgendaItemChoiceField, self.fields["agenda_item"])
        field.queryset = AgendaItem.objects.filter(
            reporting_round=round_, meeting__group__owner_kkr_id=round_.framework.kkr_id
        ).select_related("meeting")

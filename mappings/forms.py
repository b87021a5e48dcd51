"""Input shape for mappings, process plans, milestones, steering groups and parties."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from commitments.models import Framework
from core.forms import DanishDateField
from core.validators import validate_no_cpr_number
from mappings.models import Challenge, Mapping, Milestone, Party, ProcessPlan, SteeringGroup
from municipalities.models import KKR, Municipality

LINES_HELP = _("Én pr. linje.")
CHALLENGE_FIELDS = {
    Challenge.Kind.INTERNAL: "internal_challenges",
    Challenge.Kind.EXTERNAL: "external_challenges",
    Challenge.Kind.FRAMEWORK: "framework_challenges",
}


class LinesField(forms.CharField):
    """A text area read as a list: one item per non-empty line."""

    widget = forms.Textarea(attrs={"rows": 5})

    def __init__(self, *, item_max_length: int, **kwargs: Any):
        self.item_max_length = item_max_length
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", LINES_HELP)
        super().__init__(validators=[validate_no_cpr_number], **kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        super().validate("\n".join(value))
        for line in value:
            if len(line) > self.item_max_length:
                raise forms.ValidationError(
                    _("En linje må højst have %(limit)d tegn: %(start)s …")
                    % {"limit": self.item_max_length, "start": line[:40]},
                    code="line_too_long",
                )

    def run_validators(self, value: Any) -> None:
        super().run_validators("\n".join(value))


class MappingForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=255)
    terms_of_reference = forms.CharField(
        label=_("Kommissorium"),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_no_cpr_number],
        help_text=_("Kommissoriets tekst, som KKR godkendte den."),
    )
    terms_approved_on = DanishDateField(label=_("Kommissoriet godkendt den"))
    method = forms.CharField(
        label=_("Sådan blev kortlægningen lavet"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        validators=[validate_no_cpr_number],
        help_text=_("Fx kvalitativ kortlægning, workshop og skriftlig kommentering."),
    )
    studied_municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommuner kortlagt i dybden"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    workshop_municipality_count = forms.IntegerField(
        label=_("Antal kommuner med på workshoppen"), min_value=0, required=False
    )
    tracks = LinesField(
        label=_("Borgerrettede spor"),
        item_max_length=200,
        help_text=_("Ét spor pr. linje, fx Tidlig opsporing."),
    )
    internal_challenges = LinesField(
        label=Challenge.Kind.INTERNAL.label,
        item_max_length=500,
        help_text=_("Én udfordring pr. linje, fx overgange og samspil mellem forvaltninger."),
    )
    external_challenges = LinesField(
        label=Challenge.Kind.EXTERNAL.label,
        item_max_length=500,
        help_text=_(
            "Én udfordring pr. linje, fx kortere behandlingsforløb og hurtige udskrivning."
        ),
    )
    framework_challenges = LinesField(
        label=Challenge.Kind.FRAMEWORK.label,
        item_max_length=500,
        help_text=_("Én pr. linje: hvor kommunerne sammen kan påvirke den nationale indsats."),
    )
    summary = forms.CharField(
        label=_("Samlet resultat"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        validators=[validate_no_cpr_number],
    )
    presented_on = DanishDateField(
        label=_("Forelagt KKR den"),
        required=False,
        help_text=_("Tom, indtil kortlægningen er forelagt KKR. Skrives dd-mm-åååå."),
    )

    def __init__(self, *args: Any, kkr: KKR, mapping: Mapping | None = None, **kwargs: Any):
        if mapping is not None:
            kwargs.setdefault("initial", self.initial_for(mapping))
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelMultipleChoiceField, self.fields["studied_municipalities"]
        ).queryset = Municipality.objects.filter(kkr=kkr).order_by("name")

    @staticmethod
    def initial_for(mapping: Mapping) -> dict[str, Any]:
        challenges: dict[str, list[str]] = {name: [] for name in CHALLENGE_FIELDS.values()}
        for challenge in mapping.challenges.all():
            challenges[CHALLENGE_FIELDS[Challenge.Kind(challenge.kind)]].append(challenge.text)
        return {
            "title": mapping.title,
            "terms_of_reference": mapping.terms_of_reference,
            "terms_approved_on": mapping.terms_approved_on,
            "method": mapping.method,
            "studied_municipalities": list(mapping.studied_municipalities.all()),
            "workshop_municipality_count": mapping.workshop_municipality_count,
            "tracks": "\n".join(track.name for track in mapping.tracks.all()),
            **{name: "\n".join(texts) for name, texts in challenges.items()},
            "summary": mapping.summary,
            "presented_on": mapping.presented_on,
        }

    def challenges(self) -> dict[str, list[str]]:
        return {kind: self.cleaned_data[name] for kind, name in CHALLENGE_FIELDS.items()}


class PlanForm(forms.ModelForm):
    requested_on = DanishDateField(label=_("KKR bad om procesplanen den"), required=False)

    class Meta:
        model = ProcessPlan
        fields = ["title", "purpose", "requested_on"]
        labels = {"title": _("Titel"), "purpose": _("Formål")}
        widgets = {"purpose": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].validators.append(validate_no_cpr_number)


class FrameworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Framework) -> str:
        return f"{obj.title} ({obj.get_status_display().lower()})"


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label=_("Milepæl"),
        max_length=255,
        help_text=_("Fx Forslag til fælles indsatser og målsætninger forelægges KKR."),
    )
    date = DanishDateField(label=_("Dato"))
    status = forms.ChoiceField(
        label=_("Status"), choices=Milestone.Status.choices, initial=Milestone.Status.PLANNED
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[validate_no_cpr_number],
    )
    owners = forms.ModelMultipleChoiceField(
        label=_("Ansvarlige"),
        queryset=SteeringGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("KKR'ets styregrupper. De rettes under Styregrupper og parter."),
    )
    involved = forms.ModelMultipleChoiceField(
        label=_("Skal inddrages"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    framework = FrameworkChoiceField(
        label=_("Fører til rammepapiret"),
        queryset=Framework.objects.none(),
        required=False,
        empty_label=_("(intet rammepapir)"),
        help_text=_("Fx det udkast, som forslaget til fælles indsatser bliver til."),
    )

    def __init__(
        self,
        *args: Any,
        actor: User,
        kkr: KKR,
        milestone: Milestone | None = None,
        **kwargs: Any,
    ):
        if milestone is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": milestone.title,
                    "date": milestone.date,
                    "status": milestone.status,
                    "description": milestone.description,
                    "owners": list(milestone.owners.all()),
                    "involved": list(milestone.involved.all()),
                    "framework": milestone.framework_id,
                },
            )
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelMultipleChoiceField, self.fields["owners"]
        ).queryset = SteeringGroup.objects.filter(kkr=kkr)
        cast(
            forms.ModelMultipleChoiceField, self.fields["involved"]
        ).queryset = Party.objects.filter(kkr=kkr)
        cast(forms.ModelChoiceField, self.fields["framework"]).queryset = (
            Framework.objects.visible_to(actor).filter(kkr=kkr).order_by("title")
        )


class SteeringGroupRowForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    short_name = forms.CharField(label=_("Kort navn"), max_length=40, help_text=_("Fx KOSU."))
    name = forms.CharField(
        label=_("Beskrivelse"),
        max_length=255,
        required=False,
        help_text=_("Fx administrativ styregruppe på sundhedsområdet."),
    )


class PartyRowForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Part"), max_length=150, help_text=_("Fx regionen eller praktiserende læger.")
    )


SteeringGroupFormSet = forms.formset_factory(SteeringGroupRowForm, extra=1, can_delete=True)
PartyFormSet = forms.formset_factory(PartyRowForm, extra=1, can_delete=True)


def steering_group_initial(kkr: KKR) -> list[dict[str, Any]]:
    return [
        {"pk": group.pk, "short_name": group.short_name, "name": group.name}
        for group in SteeringGroup.objects.filter(kkr=kkr)
    ]


def party_initial(kkr: KKR) -> list[dict[str, Any]]:
    return [{"pk": party.pk, "name": party.name} for party in Party.objects.filter(kkr=kkr)]

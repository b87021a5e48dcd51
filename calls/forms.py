"""Input shape for calls, proposals and their review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django import forms
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from calls.models import EXAMPLE_EXTENSIONS, Call, CallTheme, Proposal, ProposalInitiative
from calls.permissions import call_kkr_ids
from calls.selectors import ConversionItem, item_key, item_wording
from calls.services.conversion import Placement
from commitments.models import Framework, Initiative, InitiativeBlock
from core.forms import DanishDateField
from core.uploads import validate_attachment
from core.validators import validate_no_cpr_number
from municipalities.models import KKR


class AddresseeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.email} ({obj.email})"


class CallForm(forms.Form):
    kkr = forms.ModelChoiceField(label=_("KKR"), queryset=KKR.objects.none())
    title = forms.CharField(label=_("Titel"), max_length=255)
    letter = forms.CharField(
        label=_("Brevtekst"),
        widget=forms.Textarea(attrs={"rows": 10}),
        validators=[validate_no_cpr_number],
    )
    addressees = AddresseeField(
        label=_("Modtagere"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Brugere i KKR'ets kommuner, fx de kommunale medformænd for Psykiatriens "
            "samordningsudvalg. De skal ikke være koordinatorer."
        ),
    )
    themes = forms.CharField(
        label=_("Foreslåede temaer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Ét tema pr. linje."),
    )
    detail_level = forms.CharField(
        label=_("Forventet detaljeniveau"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    example = forms.FileField(
        label=_("Eksempel (fil)"),
        required=False,
        help_text=_("Fx KL's notat som inspiration. PDF, Word, ODT eller tekst, højst 10 MB."),
    )
    deadline = DanishDateField(label=_("Frist"))
    questions_to = forms.EmailField(label=_("Adresse til spørgsmål og forslag"))

    def __init__(self, *args, actor: User, call: Call | None = None, **kwargs):
        if call is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kkr": call.kkr_id,
                    "title": call.title,
                    "letter": call.letter,
                    "addressees": list(call.addressees.all()),
                    "themes": "\n".join(theme.name for theme in call.themes.all()),
                    "detail_level": call.detail_level,
                    "deadline": call.deadline,
                    "questions_to": call.questions_to,
                },
            )
        super().__init__(*args, **kwargs)
        kkrs = KKR.objects.all()
        kkr_ids = call_kkr_ids(actor)
        if kkr_ids is not None:
            kkrs = kkrs.filter(pk__in=kkr_ids)
        kkr_field = cast(forms.ModelChoiceField, self.fields["kkr"])
        kkr_field.queryset = kkrs
        if call is None and len(kkrs) == 1:
            kkr_field.initial = kkrs[0].pk
        if call is not None:
            kkr_field.disabled = True
        cast(forms.ModelMultipleChoiceField, self.fields["addressees"]).queryset = (
            User.objects.manageable_by(actor).filter(is_active=True).order_by("full_name", "email")
        )

    def clean_example(self):
        # The portal's one rule for uploads (core.uploads): 10 MB, contents matching the type.
        example = self.cleaned_data.get("example")
        return validate_attachment(example, EXAMPLE_EXTENSIONS) if example else None

    def clean_themes(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["themes"].splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean() or {}
        kkr, addressees = cleaned.get("kkr"), cleaned.get("addressees")
        if kkr is not None and addressees:
            inside = (
                User.objects.filter(pk__in=[user.pk for user in addressees])
                .filter(Q(memberships__kkr=kkr) | Q(memberships__municipality__kkr=kkr))
                .distinct()
                .count()
            )
            if inside != len(addressees):
                self.add_error("addressees", _("Modtagerne skal høre til KKR'ets kommuner."))
        return cleaned


class ProposalForm(forms.Form):
    goal = forms.CharField(
        label=_("Foreslået målsætning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_cpr_number],
    )


class ProposalInitiativeForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Tema"), queryset=CallTheme.objects.none(), required=False, empty_label=_("Andet")
    )
    # An initial kind, so that an untouched extra form counts as empty and is skipped.
    kind = forms.ChoiceField(
        label=_("Forpligtende eller pilotprojekt"),
        choices=Initiative.Kind.choices,
        initial=Initiative.Kind.MANDATORY,
    )
    text = forms.CharField(
        label=_("Indsats"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr_number],
    )
    rationale = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr_number],
    )

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["theme"]).queryset = call.themes.all()


def initiative_formset(call: Call, data=None, initial=None, extra: int = 2):
    formset_class = forms.formset_factory(
        ProposalInitiativeForm, extra=extra, min_num=1, validate_min=True, max_num=20
    )
    return formset_class(data, initial=initial, prefix="indsats", form_kwargs={"call": call})


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Afgørelse"),
        choices=[
            (Proposal.Status.ACCEPTED, _("Acceptér")),
            (Proposal.Status.REJECTED, _("Afvis")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Kommentar til forslagsstilleren"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[validate_no_cpr_number],
    )


class FrameworkTextForm(forms.Form):
    framework_text = forms.CharField(
        label=_("Tekst til udkast til rammepapir"),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_cpr_number],
    )


class LabelledInitiativesField(forms.ModelMultipleChoiceField):
    """Proposed initiatives named with their authors (labels made by the view, in one query)."""

    labels: dict[int, str] = {}

    def label_from_instance(self, obj: ProposalInitiative) -> str:
        return self.labels.get(obj.pk, str(obj))


class MergeForm(forms.Form):
    initiatives = LabelledInitiativesField(
        label=_("Indsatser, der lægges sammen"),
        queryset=ProposalInitiative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Vælg mindst to. Hver indsats beholder sit forslag og sin forslagsstiller."),
    )
    text = forms.CharField(
        label=_("Den samlede indsats"),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_cpr_number],
        help_text=_("Sådan skal indsatsen stå i udkastet til rammepapir."),
    )
    kind = forms.ChoiceField(
        label=_("Forpligtende eller pilotprojekt"),
        choices=Initiative.Kind.choices,
        initial=Initiative.Kind.MANDATORY,
    )
    comment = forms.CharField(
        label=_("Begrundelse for sammenlægningen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr_number],
    )

    def __init__(self, *args, choices: list[ProposalInitiative], labels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(LabelledInitiativesField, self.fields["initiatives"])
        field.queryset = ProposalInitiative.objects.filter(pk__in=[item.pk for item in choices])
        field.labels = labels


class FrameworkChoiceForm(forms.Form):
    rammepapir = forms.ModelChoiceField(
        label=_("Udkast til rammepapir"),
        queryset=Framework.objects.none(),
        empty_label=_("Vælg udkast"),
        help_text=_("Kun udkast til rammepapir for indkaldelsens KKR kan vælges."),
    )

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["rammepapir"]).queryset = frameworks


class BlockField(forms.ModelChoiceField):
    def label_from_instance(self, obj: InitiativeBlock) -> str:
        if obj.is_main:
            return f"{obj.area.number}. {obj.area.title}"
        return f"{obj.code_prefix}. {obj.title}"


@dataclass
class ConversionRow:
    item: ConversionItem
    block: forms.BoundField
    title: forms.BoundField


class ConversionForm(forms.Form):
    """For each item to convert: the area (or block) it goes under and its short title; the
    kind is the proposal's and the code the block's next."""

    def __init__(self, *args, items: list[ConversionItem], framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        blocks = (
            InitiativeBlock.objects.filter(area__framework=framework)
            .select_related("area")
            .order_by("area__number", "number")
        )
        for item in items:
            key = item_key(item)
            self.fields[f"{key}-blok"] = BlockField(
                label=_("Område"), queryset=blocks, empty_label=_("Vælg område")
            )
            self.fields[f"{key}-titel"] = forms.CharField(
                label=_("Kort titel"),
                max_length=200,
                initial=Truncator(item_wording(item)).words(8),
                validators=[validate_no_cpr_number],
            )

    def rows(self) -> list[ConversionRow]:
        return [
            ConversionRow(
                item=item,
                block=self[f"{item_key(item)}-blok"],
                title=self[f"{item_key(item)}-titel"],
            )
            for item in self.items
        ]

    def placements(self) -> list[Placement]:
        return [
            Placement(
                item=item,
                block=self.cleaned_data[f"{item_key(item)}-blok"],
                title=self.cleaned_data[f"{item_key(item)}-titel"],
            )
            for item in self.items
        ]

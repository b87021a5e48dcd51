"""Forms for the secretariat's framework editor: input shape and field-level checks only; the
rules (who, which state, codes) are the services' (commitments/services/frameworks.py)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from commitments.files import MAX_FILE_BYTES
from commitments.models import Framework, Initiative, InitiativeBlock, Method, StrategicArea
from commitments.services.frameworks import AreaChange, BlockChange, MethodChange
from core.forms import DanishDateField
from municipalities.models import KKR


class KKRChoiceMixin:
    """A choice of KKR for a user who works in more than one secretariat."""

    fields: dict[str, forms.Field]

    def limit_kkrs(self, kkr_ids: frozenset[int] | None) -> None:
        kkrs = KKR.objects.order_by("name")
        if kkr_ids is not None:
            kkrs = kkrs.filter(pk__in=kkr_ids)
        field = cast(forms.ModelChoiceField, self.fields["kkr"])
        field.queryset = kkrs
        if len(kkrs) == 1:
            field.initial = kkrs[0]
            field.widget = forms.HiddenInput()


class FrameworkForm(KKRChoiceMixin, forms.Form):
    """The framework's own text; the KKR is chosen only when it is created."""

    kkr = forms.ModelChoiceField(label=_("KKR"), queryset=KKR.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Titel"), max_length=255)
    subtitle = forms.CharField(label=_("Undertitel"), max_length=255, required=False)
    introduction = forms.CharField(
        label=_("Indledning"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    implementation_start = forms.IntegerField(
        label=_("Implementering påbegyndes (år)"), required=False, min_value=2000, max_value=2100
    )
    implementation_end = forms.IntegerField(
        label=_("Implementering påbegyndt senest (år)"),
        required=False,
        min_value=2000,
        max_value=2100,
    )

    def __init__(self, *args, framework: Framework | None = None, kkr_ids=None, **kwargs):
        if framework is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": framework.title,
                    "subtitle": framework.subtitle,
                    "introduction": framework.introduction,
                    "implementation_start": framework.implementation_start,
                    "implementation_end": framework.implementation_end,
                },
            )
        super().__init__(*args, **kwargs)
        if framework is not None:
            del self.fields["kkr"]  # a framework stays with its KKR
        else:
            self.limit_kkrs(kkr_ids)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("implementation_start"), data.get("implementation_end")
        if start and end and end < start:
            self.add_error(
                "implementation_end",
                _("Implementeringsperioden skal slutte samme år eller senere, end den begynder."),
            )
        return data


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("Målsætning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


GoalFormSet = forms.formset_factory(GoalForm, extra=1)


def goal_formset(data=None, *, framework: Framework | None):
    """The goals as text fields, with one empty field to add one (three for a new paper)."""
    if framework is None:
        initial = [{"text": ""}, {"text": ""}]
    else:
        initial = [{"text": goal.text} for goal in framework.goals.order_by("number")]
    return GoalFormSet(data, initial=initial, prefix="goals")


class AreaForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput())
    title = forms.CharField(label=_("Titel"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BlockForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput())
    area = forms.ModelChoiceField(
        label=_("Område"), queryset=StrategicArea.objects.none(), required=False
    )
    title = forms.CharField(label=_("Blokkens titel"), max_length=255, required=False)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("title") and not data.get("area") and not data.get("DELETE"):
            self.add_error("area", _("Vælg det område, blokken hører til."))
        return data


class MethodForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput())
    name = forms.CharField(label=_("Navn"), max_length=150, required=False)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


AreaFormSet = forms.formset_factory(AreaForm, extra=1, can_delete=True)
BlockFormSet = forms.formset_factory(BlockForm, extra=1, can_delete=True)
MethodFormSet = forms.formset_factory(MethodForm, extra=1, can_delete=True)


def area_formsets(data=None, *, framework: Framework):
    areas = framework.areas.order_by("number")
    area_initial = [{"pk": a.pk, "title": a.title, "description": a.description} for a in areas]
    blocks = InitiativeBlock.objects.filter(area__framework=framework, number__gt=1).order_by(
        "area__number", "number"
    )
    block_initial = [{"pk": b.pk, "area": b.area_id, "title": b.title} for b in blocks]
    return (
        AreaFormSet(data, initial=area_initial, prefix="areas"),
        BlockFormSet(data, initial=block_initial, prefix="blocks", form_kwargs={"areas": areas}),
    )


def method_formset(data=None, *, framework: Framework):
    initial = [
        {"pk": m.pk, "name": m.name, "description": m.description}
        for m in framework.methods.order_by("name")
    ]
    return MethodFormSet(data, initial=initial, prefix="methods")


def _rows_by_pk(formset, rows, what: StrPromise | str) -> list[tuple[Any, dict[str, Any]]]:
    """Each filled form with the row it edits (None for a new one); a row that is gone (a
    second tab deleted it) is an error rather than a new row."""
    by_pk = {row.pk: row for row in rows}
    result = []
    for form in formset:
        data = form.cleaned_data
        if not data:
            continue
        pk = data.get("pk")
        if pk is not None and pk not in by_pk:
            raise ValidationError(
                _("%(what)s findes ikke længere. Indlæs siden igen.") % {"what": what}
            )
        result.append((by_pk.get(pk) if pk is not None else None, data))
    return result


def structure_changes(
    areas, blocks, *, framework: Framework
) -> tuple[list[AreaChange], list[BlockChange]]:
    """The areas and blocks forms as the changes `structure_save` makes; emptying an
    existing row's title deletes it, as ticking "Slet" does."""
    area_changes = []
    for area, data in _rows_by_pk(areas, framework.areas.all(), _("Et område")):
        title = data["title"].strip()
        area_changes.append(
            AreaChange(
                area=area,
                title=title,
                description=data["description"].strip(),
                delete=data.get("DELETE", False) or (area is not None and not title),
            )
        )
    block_rows = InitiativeBlock.objects.filter(area__framework=framework).select_related("area")
    block_changes = []
    for block, data in _rows_by_pk(blocks, block_rows, _("En blok")):
        area = data.get("area") or (block.area if block is not None else None)
        if area is None:
            continue
        title = data["title"].strip()
        block_changes.append(
            BlockChange(
                block=block,
                area=area,
                title=title,
                delete=data.get("DELETE", False) or (block is not None and not title),
            )
        )
    return area_changes, block_changes


def method_changes(methods, *, framework: Framework) -> list[MethodChange]:
    changes = []
    for method, data in _rows_by_pk(methods, framework.methods.all(), _("En metode")):
        name = data["name"].strip()
        changes.append(
            MethodChange(
                method=method,
                name=name,
                description=data["description"].strip(),
                delete=data.get("DELETE", False) or (method is not None and not name),
            )
        )
    return changes


class BlockChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: InitiativeBlock) -> str:
        area = f"{obj.area.number}. {obj.area.title}"
        return area if obj.is_main else f"{area} – {obj.title}"


class PredecessorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Initiative) -> str:
        return f"{obj.code} {obj.title}"


class InitiativeForm(forms.Form):
    block = BlockChoiceField(
        label=_("Område og blok"), queryset=InitiativeBlock.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=Initiative.Kind.choices, widget=forms.RadioSelect
    )
    code = forms.CharField(
        label=_("Kode"),
        max_length=20,
        required=False,
        help_text=_("Lad feltet stå tomt for at få blokkens næste kode, fx 1.F3 eller 1b.P2."),
    )
    title = forms.CharField(label=_("Kort titel"), max_length=200)
    text = forms.CharField(label=_("Fuld tekst"), widget=forms.Textarea(attrs={"rows": 6}))
    methods = forms.ModelMultipleChoiceField(
        label=_("Nævnte metoder"),
        queryset=Method.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # Only on a revision (Framework.revision_of): the initiative it continues, and how.
    predecessor = PredecessorChoiceField(
        label=_("Forgænger i det tidligere rammepapir"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=_("Ingen – en ny indsats"),
    )
    relation = forms.ChoiceField(
        label=_("Forhold til forgængeren"),
        choices=Initiative.Relation.choices,
        help_text=_(
            "Retter du titel eller tekst på en uændret indsats, bliver den markeret som "
            "omformuleret. En indsats, som ingen indsats i revisionen har som forgænger, er "
            "udgået."
        ),
    )

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        if framework.revision_of_id is None:
            del self.fields["predecessor"], self.fields["relation"]
        else:
            cast(
                forms.ModelChoiceField, self.fields["predecessor"]
            ).queryset = Initiative.objects.filter(
                framework_id=framework.revision_of_id
            ).in_display_order()
        cast(forms.ModelChoiceField, self.fields["block"]).queryset = (
            InitiativeBlock.objects.filter(area__framework=framework)
            .select_related("area")
            .order_by("area__number", "number")
        )
        methods = framework.methods.order_by("name")
        cast(forms.ModelMultipleChoiceField, self.fields["methods"]).queryset = methods
        if not methods.exists():
            del self.fields["methods"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "relation" in self.fields and "relation" in data:
            is_new = data["relation"] == Initiative.Relation.NEW
            if is_new and data.get("predecessor") is not None:
                self.add_error(
                    "relation",
                    _("Vælg uændret, omformuleret eller delt for en indsats med forgænger."),
                )
            elif not is_new and data.get("predecessor") is None:
                self.add_error("predecessor", _("Vælg forgængeren, eller markér indsatsen som ny."))
        return data


class AdoptForm(forms.Form):
    adopted_on = DanishDateField(label=_("Vedtaget den"))
    adoption_decision = forms.CharField(
        label=_("Beslutning"),
        max_length=255,
        help_text=_("Fx KKR Hovedstadens møde den 4. februar 2013."),
    )
    adoption_url = forms.URLField(
        label=_("Link til beslutningen"),
        required=False,
        assume_scheme="https",
        help_text=_("Fx dagsorden eller referat fra mødet."),
    )


class ImportForm(KKRChoiceMixin, forms.Form):
    kkr = forms.ModelChoiceField(label=_("KKR"), queryset=KKR.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("Rammepapirfil (JSON)"),
        help_text=_("En fil, der er hentet fra et rammepapirs side med “Hent som fil”."),
    )

    def __init__(self, *args, kkr_ids: frozenset[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_kkrs(kkr_ids)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Filen er for stor (højst 2 MB)."))
        return upload

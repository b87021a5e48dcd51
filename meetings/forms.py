"""Input shape for groups, members, meetings, proposals, agenda items and minutes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from core.forms import DanishDateField
from core.uploads import AttachmentForm
from core.validators import validate_no_cpr_number
from meetings.models import AgendaItem, AgendaProposal, Group, GroupMember, Meeting, Organisation
from meetings.permissions import appointable_kkr_ids, get_meeting_scope
from municipalities.models import KKR, Municipality
from reporting.models import ReportingRound


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def validated_upload(upload: UploadedFile | None) -> UploadedFile | None:
    """The reports' file rules (types, size, content matching the type) for any upload."""
    if not upload:
        return None
    form = AttachmentForm(files=MultiValueDict({"file": [upload]}))
    if not form.is_valid():
        raise forms.ValidationError(list(form.errors["file"]))
    return upload


class _NoCprMixin:
    free_text: tuple[str, ...] = ()
    fields: dict[str, forms.Field]

    def _guard_free_text(self) -> None:
        for name in self.free_text:
            if name in self.fields:
                self.fields[name].validators.append(validate_no_cpr_number)


class GroupForm(_NoCprMixin, forms.ModelForm):
    free_text = ("name", "purpose")
    owner = forms.ChoiceField(label=_("Ejer (sekretariat)"))

    class Meta:
        model = Group
        fields = ["name", "slug", "purpose", "terms_date", "case_number", "kkr_seats"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 6})}
        field_classes = {"terms_date": DanishDateField}
        help_texts = {"slug": _("Bruges i gruppens adresse, fx dialoggruppe-psykiatri.")}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self._guard_free_text()
        if self.instance.pk:
            del self.fields["owner"]
            return
        scope = get_meeting_scope(actor)
        organisations = Organisation.objects.order_by("name")
        kkrs = KKR.objects.order_by("name")
        if not scope.is_superuser:
            organisations = organisations.filter(pk__in=scope.organisation_ids)
            kkrs = kkrs.filter(pk__in=scope.secretariat_kkr_ids)
        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            *((f"organisation:{o.pk}", o.secretariat_name) for o in organisations),
            *((f"kkr:{k.pk}", k.name) for k in kkrs),
        ]
        self.order_fields(["owner"])

    def owner_kwargs(self) -> dict:
        """The chosen owner as the service's keyword: owner_kkr or owner_organisation."""
        if "owner" not in self.cleaned_data:
            return {}
        kind, pk = self.cleaned_data["owner"].split(":")
        if kind == "kkr":
            return {"owner_kkr": KKR.objects.get(pk=pk)}
        return {"owner_organisation": Organisation.objects.get(pk=pk)}


class MemberAppointForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadresse"))
    full_name = forms.CharField(
        label=_("Fulde navn"),
        max_length=150,
        required=False,
        help_text=_("Bruges kun, hvis personen ikke har en bruger i portalen endnu."),
    )
    kkr = forms.ModelChoiceField(label=_("Repræsenterer KKR"), queryset=KKR.objects.none())
    area = forms.ChoiceField(
        label=_("Område"),
        choices=GroupMember.Area.choices,
        help_text=_(
            "Som udgangspunkt udpeges en repræsentant fra børne- og ungeområdet og en "
            "repræsentant fra voksenområdet."
        ),
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune"), queryset=Municipality.objects.none(), required=False
    )
    role_if_new = forms.ChoiceField(
        label=_("Rolle i portalen, hvis personen er ny"),
        choices=[
            (Membership.Role.COORDINATOR, Membership.Role.COORDINATOR.label),
            (Membership.Role.POLITICIAN, _("Kun læseadgang")),
        ],
        help_text=_(
            "En ny person inviteres af sit KKR-sekretariat med en rolle i sin kommune og får "
            "en e-mail med et link til at vælge adgangskode."
        ),
    )

    def __init__(self, *args, group: Group, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        kkr_ids = appointable_kkr_ids(actor, group)
        kkrs = KKR.objects.order_by("name")
        municipalities = Municipality.objects.select_related("kkr").order_by("name")
        if kkr_ids is not None:
            kkrs = kkrs.filter(pk__in=kkr_ids)
            municipalities = municipalities.filter(kkr_id__in=kkr_ids)
        if group.owner_kkr_id and not group.kkr_seats:
            municipalities = municipalities.filter(kkr_id=group.owner_kkr_id)
        cast(forms.ModelChoiceField, self.fields["municipality"]).queryset = municipalities
        if group.kkr_seats:
            cast(forms.ModelChoiceField, self.fields["kkr"]).queryset = kkrs
        else:
            del self.fields["kkr"]
            self.fields["area"].required = False
            cast(forms.ChoiceField, self.fields["area"]).choices = [
                ("", "—"),
                *GroupMember.Area.choices,
            ]


class MeetingForm(_NoCprMixin, forms.ModelForm):
    free_text = ("title", "place")

    class Meta:
        model = Meeting
        fields = ["title", "date", "starts_at", "ends_at", "place", "proposal_deadline"]
        widgets = {"starts_at": TimeInput(), "ends_at": TimeInput()}
        field_classes = {"date": DanishDateField, "proposal_deadline": DanishDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._guard_free_text()


class ProposalForm(_NoCprMixin, forms.ModelForm):
    free_text = ("title", "description", "speaker")

    class Meta:
        model = AgendaProposal
        fields = ["title", "description", "speaker", "attachment"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._guard_free_text()

    def clean_attachment(self) -> UploadedFile | None:
        return validated_upload(self.cleaned_data.get("attachment"))


class AgendaItemForm(_NoCprMixin, forms.ModelForm):
    free_text = ("title", "description", "speaker", "recommendation", "decision")

    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "description",
            "speaker",
            "recommendation",
            "reporting_round",
            "document",
            "decision",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, meeting: Meeting, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self._guard_free_text()
        if meeting.group.owner_kkr_id:
            rounds = cast(forms.ModelChoiceField, self.fields["reporting_round"])
            rounds.queryset = ReportingRound.objects.visible_to(actor).filter(
                framework__kkr_id=meeting.group.owner_kkr_id
            )
        else:
            # Rounds belong to a KKR: only a KKR's own meetings take a round's material.
            del self.fields["reporting_round"]

    def clean_document(self) -> UploadedFile | None:
        document = self.cleaned_data.get("document")
        if document and isinstance(document, UploadedFile):
            return validated_upload(document)
        return None


class ProposalDecisionForm(forms.Form):
    ACCEPT, MERGE, DECLINE = "accept", "merge", "decline"
    action = forms.ChoiceField(
        label=_("Behandling"),
        choices=[
            (ACCEPT, _("Optag som nyt punkt")),
            (MERGE, _("Læg sammen med punkt")),
            (DECLINE, _("Optag ikke")),
        ],
    )
    item = forms.ModelChoiceField(
        label=_("Punkt at lægge sammen med"), queryset=AgendaItem.objects.none(), required=False
    )
    comment = forms.CharField(
        label=_("Bemærkning til forslagsstilleren"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr_number],
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = meeting.items.order_by(
            "position"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == self.MERGE and not cleaned.get("item"):
            self.add_error("item", _("Vælg det punkt, forslaget skal lægges sammen med."))
        return cleaned


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Referat"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        validators=[validate_no_cpr_number],
    )

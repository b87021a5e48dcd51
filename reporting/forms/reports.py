"""Input shape for the report form and the review forms (attachments: core/uploads.py)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import DanishDateField
from core.validators import validate_links, validate_no_cpr_number
from pilots.models import PilotProject
from reporting.models import Report, ReportEntry
from reporting.selectors.reports import POLITICAL_SECTION
from reporting.services.reports import EntryData

EMPTY_DISPLAY = gettext_lazy("(tomt)")

Status = ReportEntry.ImplementationStatus
Participation = ReportEntry.Participation


MISSING_MESSAGE = gettext_lazy(
    "Feltet manglede i det indsendte, så intet er gemt. Indlæs siden igen, og prøv igen."
)


class _ComparableForm(forms.Form):
    """A form that can tell which of its fields differ from what is saved in the database."""

    #: field name -> the saved value, as text, where it differs from what the user typed
    saved_values: dict[str, str]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_values = {}

    def clean(self) -> dict[str, Any] | None:
        """A field missing from the POST is an error, never an emptied answer (issue #12,
        defect 7). Check boxes send nothing when none is ticked: their widgets say so."""
        cleaned = super().clean()
        for name, field in self.fields.items():
            if field.widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name)):
                self.add_error(name, MISSING_MESSAGE)
        return cleaned

    def display(self, name: str, value) -> str:
        field = self.fields[name]
        if value in (None, "", [], frozenset(), set()):
            return str(EMPTY_DISPLAY)
        if isinstance(value, datetime.date):
            return date_format(value, "j. F Y")
        choices = dict(getattr(field, "choices", ()))
        if isinstance(value, list | set | frozenset):
            return ", ".join(str(choices.get(v, v)) for v in sorted(value, key=str))
        return str(choices.get(value, value))

    def compare_with_saved(self, saved: Mapping[str, Any]) -> None:
        """Remember the saved value of every field where it differs from the typed value."""
        for name in self.fields:
            if name not in saved or name not in self.cleaned_data:
                continue
            typed, stored = self.cleaned_data[name], saved[name]
            if isinstance(typed, list):
                typed, stored = set(typed), set(stored)
            if typed != stored:
                self.saved_values[name] = self.display(name, saved[name])

    def rows(self) -> list[tuple[forms.BoundField, str | None]]:
        """Each field with the value someone else saved, if it differs (after a conflict)."""
        return [(self[name], self.saved_values.get(name)) for name in self.fields]


class ReportForm(_ComparableForm):
    """The report's own fields and the version the user loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    council_body = forms.CharField(
        label=gettext_lazy("Politisk behandlet i"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Fx kommunalbestyrelsen eller sundhedsudvalget."),
        validators=[validate_no_cpr_number],
    )
    council_date = DanishDateField(label=gettext_lazy("Behandlet den"), required=False)

    def __init__(self, *args, with_council: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_council:
            del self.fields["council_body"]
            del self.fields["council_date"]

    @staticmethod
    def initial_for(report: Report) -> dict:
        return {
            "version": report.version,
            "council_body": report.council_body,
            "council_date": report.council_date,
        }


def _text(label, *, max_length: int | None = None, help_text="", rows: int = 3):
    widget = forms.Textarea(attrs={"rows": rows}) if max_length is None else forms.TextInput
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        validators=[validate_no_cpr_number],
    )


class EntryForm(_ComparableForm):
    """One entry: status and description for a mandatory initiative, participation for a pilot.

    Choices are passed in, so that building two dozen forms costs no queries.
    """

    def __init__(
        self,
        *args,
        entry: ReportEntry,
        method_choices: list[tuple[int, str]],
        pilot_choices: list[tuple[int, str]],
        **kwargs,
    ):
        self.entry = entry
        kwargs.setdefault("initial", self.initial_for(entry))
        super().__init__(*args, **kwargs)
        if entry.is_mandatory:
            self.fields["status"] = forms.TypedChoiceField(
                label=_("Status"),
                choices=[("", _("Vælg status")), *Status.choices],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields["narrative"] = _text(
                _("Sådan arbejder kommunen med indsatsen"),
                help_text=_("Mange veje til samme mål: beskriv kommunens egen måde."),
                rows=4,
            )
            self.fields["methods"] = forms.TypedMultipleChoiceField(
                label=_("Metoder og redskaber"),
                choices=method_choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["other_methods"] = _text(_("Andre metoder"), max_length=500)
            self.fields["next_steps"] = _text(_("Planlagte næste skridt"))
            self.fields["links"] = _text(
                _("Links"),
                help_text=_("Én adresse pr. linje, fx til politiske beslutninger."),
                rows=2,
            )
            self.fields["links"].validators.append(validate_links)
        else:
            self.fields["participation"] = forms.ChoiceField(
                label=_("Deltagelse"),
                choices=[("", _("Vælg deltagelse")), *Participation.choices],
                required=False,
            )
            self.fields["pilot_project"] = forms.TypedChoiceField(
                label=_("Pilotprojekt"),
                choices=[("", _("Intet pilotprojekt valgt")), *pilot_choices],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_("Pilotprojekter om indsatsen, som kommunen deltager i eller leder."),
            )

    @staticmethod
    def initial_for(entry: ReportEntry) -> dict:
        return {
            "status": entry.status,
            "narrative": entry.narrative,
            "methods": sorted(m.pk for m in entry.methods.all()),
            "other_methods": entry.other_methods,
            "next_steps": entry.next_steps,
            "links": entry.links,
            "participation": entry.participation,
            "pilot_project": entry.pilot_project_id,
        }

    def to_entry_data(self) -> EntryData:
        """What the service writes: typed fields from the form, the others as they were."""
        entry, data = self.entry, self.cleaned_data
        return EntryData(
            entry_id=entry.pk,
            status=data.get("status", entry.status),
            narrative=data.get("narrative", entry.narrative),
            method_ids=frozenset(data.get("methods", [m.pk for m in entry.methods.all()])),
            other_methods=data.get("other_methods", entry.other_methods),
            next_steps=data.get("next_steps", entry.next_steps),
            links=data.get("links", entry.links),
            participation=data.get("participation", entry.participation),
            pilot_project_id=data.get("pilot_project", entry.pilot_project_id),
        )


class AnswerForm(_ComparableForm):
    answer = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_cpr_number],
    )

    def __init__(self, *args, answer, **kwargs):
        # Not self.answer: that name is the form's field.
        self.political_answer = answer
        kwargs.setdefault("initial", {"answer": answer.answer})
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = f"{answer.question.number}. {answer.question.text}"


@dataclass
class ReportEditForm:
    """Every form of the report page, bound together: one report form, one per entry, answer."""

    report_form: ReportForm
    entry_forms: list[EntryForm]
    answer_forms: list[AnswerForm]

    @classmethod
    def build(
        cls,
        report: Report,
        data=None,
        *,
        method_choices: list[tuple[int, str]],
        pilot_choices: dict[int, list[tuple[int, str]]],
        section: str = POLITICAL_SECTION,
    ) -> ReportEditForm:
        """The forms of one section of the report: an area's lines (`section` is the area's
        number), or the political treatment (POLITICAL_SECTION). The version is in both."""
        political = section == POLITICAL_SECTION
        return cls(
            report_form=ReportForm(
                data,
                prefix="report",
                initial=ReportForm.initial_for(report),
                with_council=political,
            ),
            entry_forms=[
                EntryForm(
                    data,
                    entry=entry,
                    method_choices=method_choices,
                    pilot_choices=pilot_choices.get(entry.initiative_id, []),
                    prefix=f"entry-{entry.pk}",
                )
                for entry in report.entries.all()
                if not political and str(entry.area_number) == section
            ],
            answer_forms=[
                AnswerForm(data, answer=answer, prefix=f"answer-{answer.pk}")
                for answer in (report.answers.all() if political else [])
            ],
        )

    def council(self, report: Report) -> tuple[str, datetime.date | None]:
        """The council fields as typed, or as they are saved when this section has none."""
        data = self.report_form.cleaned_data
        if "council_body" not in data:
            return report.council_body, report.council_date
        return data["council_body"], data["council_date"]

    @property
    def forms(self) -> list[_ComparableForm]:
        return [self.report_form, *self.entry_forms, *self.answer_forms]

    def is_valid(self) -> bool:
        # Validate every form (no short-circuit) so that all errors show at once.
        return all(form.is_valid() for form in self.forms)

    @property
    def version(self) -> int:
        return self.report_form.cleaned_data["version"]

    def entry_data(self) -> list[EntryData]:
        return [form.to_entry_data() for form in self.entry_forms]

    def answers(self) -> dict[int, str]:
        return {form.political_answer.pk: form.cleaned_data["answer"] for form in self.answer_forms}

    def compare_with_saved(self, saved: ReportEditForm) -> None:
        """Mark every field where the database (`saved`, unbound) differs from what was typed."""
        for typed, stored in zip(self.forms, saved.forms, strict=True):
            typed.compare_with_saved(stored.initial)
        self.report_form.saved_values.pop("version", None)

    def error_links(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) of every field error, in page order, for the summary."""
        links: list[tuple[str, str, str]] = []
        for form in self.forms:
            title = _entry_title(form)
            for name, errors in form.errors.items():
                if name == "__all__":
                    continue
                field = form[name]
                label = f"{title}: {field.label}" if title else str(field.label)
                for message in errors:
                    links.append((field.auto_id, label, str(message)))
        return links


def _entry_title(form) -> str:
    if isinstance(form, EntryForm):
        return form.entry.initiative_code
    if isinstance(form, AnswerForm):
        return _("Politisk spørgsmål %(number)s") % {
            "number": form.political_answer.question.number
        }
    return ""


def pilot_choices_by_initiative(projects: list[PilotProject]) -> dict[int, list[tuple[int, str]]]:
    choices: dict[int, list[tuple[int, str]]] = {}
    for project in projects:
        choices.setdefault(project.initiative_id, []).append((project.pk, project.title))
    return choices


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Kommentar til kommunen"),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_cpr_number],
        error_messages={
            "required": gettext_lazy("Skriv en kommentar, så kommunen ved, hvad der skal rettes.")
        },
        help_text=gettext_lazy("Kommentaren sendes til kommunens koordinatorer."),
    )

"""Forms for the secretariat's work on rounds: create and edit a round, extend a deadline."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from commitments.models import Framework
from core.forms import DanishDateField
from core.text import danish_slugify
from reporting.models import ReportingRound, validate_round_slug


def _is_reserved(slug: str) -> bool:
    try:
        validate_round_slug(slug)
    except ValidationError:
        return True
    return False


def unique_round_slug(title: str) -> str:
    """The round's address, made from its title: the next free of "title", "title-2", …,
    never a word `validate_round_slug` reserves for a sibling path (a round titled "Ny" gets
    "ny-2")."""
    base = danish_slugify(title)[:74] or "runde"
    taken = set(ReportingRound.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken or _is_reserved(slug):
        slug, number = f"{base}-{number}", number + 1
    return slug


class RoundForm(forms.Form):
    """The round itself; the questions come from `QuestionFormSet`."""

    framework = forms.ModelChoiceField(
        label=_("Rammepapir"),
        queryset=Framework.objects.none(),
        empty_label=None,
    )
    title = forms.CharField(label=_("Titel"), max_length=200)
    opens_on = DanishDateField(label=_("Åbner den"))
    deadline = DanishDateField(label=_("Frist"))
    introduction = forms.CharField(
        label=_("Indledning til kommunerne"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, actor: User, instance: ReportingRound | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is None:
            framework = cast(forms.ModelChoiceField, self.fields["framework"])
            framework.queryset = Framework.objects.editable_by(actor).filter(
                status=Framework.Status.ADOPTED
            )
        else:
            # A round stays in its framework and keeps its address once created.
            del self.fields["framework"]
            if instance.status != ReportingRound.Status.DRAFT:
                del self.fields["opens_on"]
                self.fields["deadline"].help_text = _(
                    "Skrives dd-mm-åååå. Kommuner, der ikke har indsendt, får en e-mail, "
                    "når fristen flyttes."
                )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opens_on = data.get("opens_on", self.instance and self.instance.opens_on)
        deadline = data.get("deadline")
        if opens_on and deadline and deadline < opens_on:
            self.add_error("deadline", _("Fristen skal ligge på eller efter åbningsdatoen."))
        if self.instance is None and data.get("title"):
            data["slug"] = unique_round_slug(data["title"])
        return data


class SubmissionRuleForm(forms.Form):
    """What the round requires before a report can be submitted, beyond an answer per line."""

    require_political_answers = forms.BooleanField(
        label=_("De politiske spørgsmål skal besvares"), required=False
    )
    require_confirmed_lines = forms.BooleanField(
        label=_("Svar overført fra forrige runde skal bekræftes eller rettes"), required=False
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Spørgsmål"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BaseQuestionFormSet(forms.BaseFormSet):
    """The round's political questions; a blank textarea is a question left out.

    In an open round the first `kept` questions are being answered and cannot be left out.
    """

    kept = 0

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if index is not None:
            form.fields["text"].label = _("Spørgsmål %(number)s") % {"number": index + 1}

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        for form in self.forms[: self.kept]:
            if not form.cleaned_data.get("text", "").strip():
                form.add_error(
                    "text",
                    _(
                        "Spørgsmålet kan ikke fjernes, når runden er åben: kommunerne svarer "
                        "allerede på det. Ret teksten i stedet."
                    ),
                )
        if any(self.errors):
            return
        if not self.questions():
            raise forms.ValidationError(_("Runden skal have mindst ét politisk spørgsmål."))

    def questions(self) -> list[str]:
        """The non-blank questions, in the order they were written."""
        return [
            form.cleaned_data["text"].strip()
            for form in self.forms
            if form.cleaned_data.get("text", "").strip()
        ]


QuestionFormSet = forms.formset_factory(
    QuestionForm, formset=BaseQuestionFormSet, extra=2, max_num=20, validate_max=True
)


def question_formset(data=None, *, questions: list[str], kept: int = 0) -> BaseQuestionFormSet:
    """The questions as textareas, with two blank ones for new questions; the first `kept`
    cannot be left blank (an open round's)."""
    formset = cast(
        BaseQuestionFormSet,
        QuestionFormSet(data, prefix="spoergsmaal", initial=[{"text": q} for q in questions]),
    )
    formset.kept = kept
    return formset


class ExtendDeadlineForm(forms.Form):
    deadline = DanishDateField(label=_("Ny frist"))
    reason = forms.CharField(
        label=_("Begrundelse"),
        max_length=255,
        help_text=_("Kommunen og sekretariatet kan se begrundelsen i rapportens forløb."),
    )

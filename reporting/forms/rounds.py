"""Forms for the secretariat's work on rounds: create and edit a round, extend a deadline."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from commitments.models import Framework
from reporting.models import ReportingRound

# Paths under /afrapportering/runder/ that a round's slug must not take.
RESERVED_SLUGS = {"ny", "rapport"}

_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slugify(text: str) -> str:
    """A slug that spells æ, ø and å as ae, oe and aa instead of dropping them."""
    return slugify(text.translate(_DANISH_LETTERS))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoundForm(forms.Form):
    """The round itself; the questions come from `QuestionFormSet`."""

    framework = forms.ModelChoiceField(
        label=_("Rammepapir"),
        queryset=Framework.objects.none(),
        empty_label=None,
    )
    title = forms.CharField(label=_("Titel"), max_length=200)
    slug = forms.SlugField(
        label=_("Kortnavn i adresse"),
        max_length=80,
        required=False,
        help_text=_("Lad feltet stå tomt for at danne det af titlen."),
    )
    opens_on = forms.DateField(label=_("Åbner den"), widget=DateInput())
    deadline = forms.DateField(label=_("Frist"), widget=DateInput())
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
            del self.fields["slug"]
            if instance.status != ReportingRound.Status.DRAFT:
                del self.fields["opens_on"]
                self.fields["deadline"].help_text = _(
                    "Kommuner, der ikke har indsendt, får en e-mail, når fristen flyttes."
                )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opens_on = data.get("opens_on", self.instance and self.instance.opens_on)
        deadline = data.get("deadline")
        if opens_on and deadline and deadline < opens_on:
            self.add_error("deadline", _("Fristen skal ligge på eller efter åbningsdatoen."))
        if self.instance is None and data.get("title"):
            slug = data.get("slug") or danish_slugify(data["title"])[:80]
            data["slug"] = slug
            if not slug:
                self.add_error("slug", _("Skriv et kortnavn med bogstaver eller tal."))
            elif slug in RESERVED_SLUGS:
                self.add_error("slug", _("Kortnavnet er reserveret. Vælg et andet."))
            elif ReportingRound.objects.filter(slug=slug).exists():
                self.add_error(
                    "slug",
                    _("Der findes allerede en runde med kortnavnet “%(slug)s”. Vælg et andet.")
                    % {"slug": slug},
                )
        return data


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
    formset = QuestionFormSet(data, prefix="spoergsmaal", initial=[{"text": q} for q in questions])
    formset.kept = kept
    return cast(BaseQuestionFormSet, formset)


class ExtendDeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("Ny frist"), widget=DateInput())
    reason = forms.CharField(
        label=_("Begrundelse"),
        max_length=255,
        help_text=_("Kommunen og sekretariatet kan se begrundelsen i rapportens forløb."),
    )

"""The dashboards' query string: one FilterSet reads, validates and applies it.

A dashboard page is a GET address that can be bookmarked and sent: `?runde=…&omraade=2&
kommune=101&kommune=147`. The parameter names stay Danish. Each page uses the fields named in
`PAGE_FIELDS`; a parameter the page does not use is ignored, and one it uses but cannot read
gets a Danish error next to its field while the page shows that field's default
(docs/decisions/0008-dashboard-filters.md).
"""

from __future__ import annotations

import builtins
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.models import Framework, Initiative
from dashboards.widgets import CheckboxDropdown, CompactSelect
from municipalities.models import Municipality
from pilots.models import PilotParticipation, PilotProject
from reporting.models import ReportEntry, ReportingRound, ReportSummary

# ?type=: the initiatives shown; None shows both kinds.
KINDS = {"forpligtende": Initiative.Kind.MANDATORY, "pilot": Initiative.Kind.PILOT, "alle": None}
SORTS = {"navn": "name", "fremdrift": "progress"}

# The parameters each page reads, in the order of its form and of its links' query strings.
PAGE_FIELDS = {
    "overview": ("runde", "omraade", "kladder"),
    "heat_map": ("runde", "omraade", "type", "sortering", "kommune", "kladder"),
    "initiative": ("runde", "status", "kommune", "kladder"),
    "municipality": ("runde", "omraade", "type", "kladder"),
    "trend": ("runde", "omraade", "kladder"),
    "changes": ("runde", "omraade", "kommune", "kladder"),
    # Pilot projects follow no round: the round is kept for the tabs' links, not shown.
    "pilots": ("runde", "omraade", "kommune"),
    "handout_pdf": ("runde", "kladder"),
    # The round's Excel and CSV files (exports.views); the round is in their address.
    "export": ("omraade", "kommune", "kladder"),
}

_SMALL_SELECT = {"class": "form-select form-select-sm"}


class DashboardFilterForm(forms.Form):
    """Gives every field left empty, or given a value it cannot read, its default; the error
    stays on the field, so the page says what it shows instead."""

    defaults: dict[str, object] = {}  # set per filter set, in DashboardFilter.get_form_class

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, default in self.defaults.items():
            if name in self.fields and data.get(name) in (None, ""):
                data[name] = default
        return data


class DashboardFilter(django_filters.FilterSet):
    runde = django_filters.ChoiceFilter(
        label=_("Runde"),
        method="shown_by_the_view",
        empty_label=None,
        widget=CompactSelect(attrs=_SMALL_SELECT),
        error_messages={
            "invalid_choice": _(
                "Der er ingen runde »%(value)s« under rammepapiret. Den nyeste runde vises."
            )
        },
    )
    omraade = django_filters.TypedChoiceFilter(
        field_name="area_number",
        label=_("Målsætningsområde"),
        coerce=int,
        empty_value=None,
        widget=CompactSelect(attrs=_SMALL_SELECT),
        error_messages={
            "invalid_choice": _(
                "Rammepapiret har intet målsætningsområde »%(value)s«. Alle områder vises."
            )
        },
    )
    type = django_filters.ChoiceFilter(
        label=_("Indsatser"),
        method="filter_kind",
        empty_label=None,
        choices=[
            ("forpligtende", _("Forpligtende indsatser")),
            ("pilot", _("Pilotindsatser")),
            ("alle", _("Alle indsatser")),
        ],
        widget=CompactSelect(attrs=_SMALL_SELECT),
        error_messages={
            "invalid_choice": _(
                "Vælg forpligtende, pilot eller alle, ikke »%(value)s«. "
                "De forpligtende indsatser vises."
            )
        },
    )
    status = django_filters.TypedChoiceFilter(
        field_name="status",
        label=_("Vis kun status"),
        coerce=int,
        empty_value=None,
        choices=[("", _("Alle")), *ReportEntry.ImplementationStatus.choices],
        widget=CompactSelect(attrs=_SMALL_SELECT),
        error_messages={
            "invalid_choice": _(
                "Status skal være et tal fra 0 til 4, ikke »%(value)s«. Alle svar vises."
            )
        },
    )
    kommune = django_filters.MultipleChoiceFilter(
        field_name="report__municipality__code",
        label=_("Kommuner"),
        distinct=False,
        help_text=_("Ingen valgt: alle kommuner."),
        widget=CheckboxDropdown(),
        error_messages={
            "invalid_choice": _(
                "»%(value)s« er ikke koden på en kommune i KKR'et. Alle kommuner vises."
            )
        },
    )
    sortering = django_filters.ChoiceFilter(
        label=_("Sortér efter"),
        method="shown_by_the_view",
        empty_label=None,
        choices=[("navn", _("Kommune")), ("fremdrift", _("Fremdrift"))],
        widget=CompactSelect(attrs=_SMALL_SELECT),
        error_messages={
            "invalid_choice": _(
                "Sortér efter navn eller fremdrift, ikke »%(value)s«. Der sorteres efter kommune."
            )
        },
    )
    kladder = django_filters.BooleanFilter(
        label=_("Medtag kladder"),
        method="shown_by_the_view",
        # A checkbox that sends kladder=1, as the addresses made before this filter set did.
        widget=forms.CheckboxInput(attrs={"value": "1", "class": "form-check-input"}),
    )

    # FilterSet.__init__ copies the declared filters per instance; __init__ keeps the page's.
    filters: dict[str, Any]

    class Meta:
        model = ReportEntry
        fields: list[str] = []
        form = DashboardFilterForm

    def __init__(
        self,
        data: QueryDict,
        *,
        page: str,
        framework: Framework,
        rounds: list[ReportingRound],
        default_round: ReportingRound,
        may_include_drafts: bool,
    ):
        super().__init__(data, queryset=ReportEntry.objects.all())
        self.page = page
        self.rounds = rounds
        # The newest round with results for the viewer (dashboards.selectors.default_round).
        self.defaults = {"runde": default_round.slug, "type": "forpligtende", "sortering": "navn"}
        self.filters = {
            name: self.filters[name]
            for name in PAGE_FIELDS[page]
            if name != "kladder" or may_include_drafts
        }
        if page == "pilots":
            self.filters["runde"].extra["widget"] = forms.HiddenInput()
        if "runde" in self.filters:
            open_ = gettext("åben")
            self.filters["runde"].extra["choices"] = [
                (r.slug, f"{r.title} ({open_})" if r.is_open else r.title) for r in rounds
            ]
        if "omraade" in self.filters:
            self.filters["omraade"].extra["choices"] = [
                ("", gettext("Alle områder")),
                *(
                    (number, f"{number}. {title}")
                    for number, title in framework.areas.order_by("number").values_list(
                        "number", "title"
                    )
                ),
            ]
        if "kommune" in self.filters:
            self.filters["kommune"].extra["choices"] = list(
                Municipality.objects.filter(kkr_id=framework.kkr_id)
                .order_by("name")
                .values_list("code", "name")
            )

    # builtins.type: the filter set's own "type" filter hides the builtin in the class body.
    def get_form_class(self) -> builtins.type[DashboardFilterForm]:
        form_class = super().get_form_class()
        form_class.defaults = self.defaults
        return form_class

    def shown_by_the_view(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        """Round, order and drafts choose what the view shows; they narrow no report lines."""
        return queryset

    def filter_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        kind = KINDS[value]
        return queryset if kind is None else queryset.filter(initiative_kind=kind)

    def value(self, name: str) -> Any:
        """The field's valid value, or its default (also for a field this page lacks)."""
        self.form.is_valid()  # validates once; cleaned_data then holds the defaults too
        return self.form.cleaned_data.get(name, self.defaults.get(name))

    @property
    def summaries(self) -> QuerySet[ReportSummary]:
        """The reports' summaries narrowed as `qs` narrows the report lines: every filter that
        narrows lines names a field the summary has too (area, kind, status, municipality)."""
        self.form.is_valid()
        return self.filter_queryset(ReportSummary.objects.all())

    @property
    def round(self) -> ReportingRound:
        slug = self.value("runde")
        return next(r for r in self.rounds if r.slug == slug)

    @property
    def include_drafts(self) -> bool:
        return bool(self.value("kladder"))

    @property
    def kind(self) -> str | None:
        """The initiative kind shown (Initiative.Kind), or None for both."""
        return KINDS[self.value("type")]

    @property
    def sort(self) -> str:
        return SORTS[self.value("sortering")]

    def key_parts(self) -> tuple:
        """Every value of the page's form, for the key of figures computed with them."""
        return tuple(
            (name, tuple(sorted(value)) if isinstance(value, list) else value)
            for name, value in ((name, self.value(name)) for name in self.filters)
        )

    @cached_property
    def links(self) -> dict[str, str]:
        """For each dashboard page, the query string ("?…" or "") of its links from this page:
        the values chosen here that the other page reads too. Defaults are left out, so a
        link without a round keeps following the default round."""
        self.form.is_valid()
        chosen = {
            name: [v for v in self.data.getlist(name) if v]
            for name in self.filters
            if name not in self.form.errors
        }
        links = {}
        for page, fields in PAGE_FIELDS.items():
            params = QueryDict(mutable=True)
            for name in fields:
                if chosen.get(name):
                    params.setlist(name, chosen[name])
            links[page] = f"?{params.urlencode()}" if params else ""
        return links

    def filter_pilots(self, projects: QuerySet[PilotProject]) -> QuerySet[PilotProject]:
        """Pilot projects under the chosen area, led or joined by the chosen municipalities."""
        area, codes = self.value("omraade"), self.value("kommune")
        if area is not None:
            projects = projects.filter(initiative__block__area__number=area)
        if codes:
            projects = projects.filter(
                Q(lead_municipality__code__in=codes)
                | Q(
                    participations__municipality__code__in=codes,
                    participations__status=PilotParticipation.Status.ACCEPTED,
                )
            ).distinct()
        return projects

"""Filtering the pilot project list by the address's query string."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from commitments.models import Framework, Initiative
from pilots.models import PilotProject


class PilotProjectFilter(django_filters.FilterSet):
    framework = django_filters.ModelChoiceFilter(
        field_name="initiative__framework",
        label=_("Rammepapir"),
        empty_label=_("Alle rammepapirer"),
        queryset=Framework.objects.filter(status=Framework.Status.ADOPTED).order_by("title"),
    )
    initiative = django_filters.ModelChoiceFilter(
        label=_("Pilotindsats"),
        empty_label=_("Alle pilotindsatser"),
        queryset=Initiative.objects.pilots()
        .filter(framework__status=Framework.Status.ADOPTED)
        .in_display_order(),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), empty_label=_("Alle"), choices=PilotProject.Status.choices
    )

    class Meta:
        model = PilotProject
        fields = ["framework", "initiative", "status"]

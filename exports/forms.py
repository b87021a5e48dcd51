"""The bulk import's upload form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med svar"),
        help_text=_(
            "CSV (komma eller semikolon; UTF-8 eller Windows-1252) eller Excel (.xlsx), "
            "højst 5 MB. Tomme celler ændrer intet."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    overwrite_approved = forms.BooleanField(
        label=_("Overskriv godkendte rapporter"),
        required=False,
        help_text=_(
            "Uden dette flueben bliver rækker til godkendte rapporter vist som fejl og ikke "
            "importeret."
        ),
    )

"""Form pieces every app uses: a date field in Danish format.

A browser's `<input type="date">` shows dates in the browser's own locale (an English
Chromium says 12/15/2026), whatever the page's language. The portal's dates are written the
Danish way instead, in a text field, and read the ways Danes write them
(docs/decisions/0024-managing-open-rounds.md).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DANISH_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "jan"),
            ("februar", "feb"),
            ("marts", "mar"),
            ("april", "apr"),
            ("maj",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# 15-12-2026, 15.12.2026, 15/12/2026, 15 12 2026; and ISO 2026-12-15 (what a type=date sent).
_NUMERIC = re.compile(r"^(\d{1,2})\s*[-./ ]\s*(\d{1,2})\s*[-./ ]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# 15. december 2026, 15 dec. 2026
_WORDS = re.compile(r"^(\d{1,2})\.?\s+([a-zæøå]+)\.?\s+(\d{4})$")


def parse_danish_date(text: str) -> datetime.date | None:
    """A date as Danes write it, or None if the text is not one."""
    text = text.strip().lower()
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _NUMERIC.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _WORDS.match(text)) and match.group(2) in DANISH_MONTHS:
        day, month, year = int(match.group(1)), DANISH_MONTHS[match.group(2)], int(match.group(3))
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


class DanishDateInput(forms.DateInput):
    """A text field showing dd-mm-åååå, with a numeric keyboard on a phone."""

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(
            attrs={"inputmode": "numeric", "placeholder": "dd-mm-åååå", **(attrs or {})},
            format="%d-%m-%Y",
        )


class DanishDateField(forms.DateField):
    widget = DanishDateInput
    default_error_messages = {
        "invalid": _("Skriv datoen som dd-mm-åååå, fx 15-12-2026."),
    }

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("help_text", _("Skrives dd-mm-åååå, fx 15-12-2026."))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        parsed = parse_danish_date(str(value))
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed

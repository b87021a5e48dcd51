"""Free text must never carry data about individual citizens."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ddmmyy-xxxx or ddmmyyxxxx, not part of a longer number.
CPR_PATTERN = re.compile(r"(?<![0-9])([0-3][0-9])([01][0-9])([0-9]{2})-?([0-9]{4})(?![0-9])")

CPR_MESSAGE = _(
    "Teksten ser ud til at indeholde et CPR-nummer. Portalen handler om kommunernes "
    "indsatser, ikke om enkelte borgere: fjern CPR-nummeret, før du gemmer."
)


def contains_cpr_number(text: str) -> bool:
    """True if the text holds something shaped like a valid CPR number (a real date)."""
    for day, month, year, _serial in CPR_PATTERN.findall(text or ""):
        try:
            datetime.date(2000 + int(year), int(month), int(day))
        except ValueError:
            continue
        return True
    return False


def validate_no_cpr_number(value: str) -> None:
    if contains_cpr_number(value):
        raise ValidationError(CPR_MESSAGE, code="cpr")

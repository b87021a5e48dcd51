"""Free text must never carry data about individual citizens."""

import datetime
import re
from urllib.parse import urlsplit

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


# A link a reader can follow safely: web pages and e-mail addresses, never javascript: or data:.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

LINK_MESSAGE = _(
    "»%(link)s« er ikke et link, portalen kan vise. Skriv én adresse pr. linje, der begynder "
    "med https://, http:// eller mailto:."
)


def is_safe_link(text: str) -> bool:
    """True for an http(s) address with a host, or a mailto: address."""
    candidate = text.strip()
    if any(char.isspace() or ord(char) < 32 for char in candidate):
        return False
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return False
    if parts.scheme.lower() not in LINK_SCHEMES:
        return False
    return bool(parts.path) if parts.scheme.lower() == "mailto" else bool(parts.netloc)


def validate_links(value: str) -> None:
    """One link per line, each http(s) or mailto (issue #12, defect 3)."""
    for line in (value or "").splitlines():
        if line.strip() and not is_safe_link(line):
            raise ValidationError(LINK_MESSAGE, code="link", params={"link": line.strip()[:80]})

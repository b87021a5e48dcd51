"""Free text must never carry data about individual citizens."""

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.dk import cpr

# ddmmyy xxxx with an optional separator between any of the four groups (after
# normalise_separators), not part of a longer number.
CPR_PATTERN = re.compile(
    r"(?<![0-9])([0-9]{2})[-. ]?([0-9]{2})[-. ]?([0-9]{2})[-. ]?([0-9]{4})(?![0-9])"
)
# Dashes and minus signs that are not U+002D, and every kind of space.
_MINUS_SIGNS = frozenset("\u2212\u2796\ufe63\uff0d")


def normalise_separators(text: str) -> str:
    """NFKC (full-width digits become ASCII), every dash one hyphen, every space one space."""
    characters = []
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if category == "Pd" or char in _MINUS_SIGNS:
            characters.append("-")
        elif category == "Zs" or char == "\t":
            characters.append(" ")
        else:
            characters.append(char)
    return "".join(characters)


CPR_MESSAGE = _(
    "Teksten ser ud til at indeholde et CPR-nummer. Portalen handler om kommunernes "
    "indsatser, ikke om enkelte borgere: fjern CPR-nummeret, før du gemmer."
)


def contains_cpr_number(text: str) -> bool:
    """True if the text holds a valid CPR number, however it is written: 0101901234,
    010190-1234, 010190 1234, 01.01.90-1234, 01-01-90-1234, with any dash or space and in
    full-width digits. python-stdnum checks the date, with the century that the serial
    number gives (and no birth in the future)."""
    for groups in CPR_PATTERN.findall(normalise_separators(text or "")):
        if cpr.is_valid("".join(groups)):
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


SINGLE_LINE_MESSAGE = _(
    "Feltet skal stå på én linje: fjern linjeskift, tabulatorer og andre styretegn."
)


def validate_single_line(value: str) -> None:
    """Titles and names are one line: no line breaks or other control characters (a title
    goes into e-mail subjects, where a line break would end the header)."""
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value or ""):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")

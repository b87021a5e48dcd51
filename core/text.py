"""Text helpers shared by every app."""

from django.utils.text import slugify

_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slugify(text: str) -> str:
    """A slug that spells æ, ø and å as ae, oe and aa instead of dropping them."""
    return slugify(text.translate(_DANISH_LETTERS))

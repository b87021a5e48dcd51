"""Helpers for comparing whole pages."""

import re

_TOKENS = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"')


def without_tokens(response) -> str:
    """The page with its CSRF tokens left out: they differ on every request."""
    return _TOKENS.sub(r"\1", response.content.decode())

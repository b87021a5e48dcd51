"""Deployment checks of the portal's own settings (run by `manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def site_url_is_set(app_configs: Any, **kwargs: Any) -> list[Error]:
    """E-mail links need the portal's public address; a request's Host header is not it."""
    if settings.SITE_URL:
        return []
    return [
        Error(
            "SITE_URL is not set: e-mails would link to the development address.",
            hint="Set SITE_URL to the portal's public address, e.g. https://psykiatri.kl.dk.",
            id="portal.E001",
        )
    ]

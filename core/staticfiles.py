"""The static files' storage in production: WhiteNoise's, each file's address found once.

`{% static %}` asks the storage for a file's hashed address every time: five times on every
page, 23 µs each (`stored_name`, `urljoin`, `quote`), about a seventh of what the base template
costs (docs/decisions/0031-drained-turns-and-a-cheaper-chrome.md). The manifest is read when
the process starts and does not change while it runs, so neither do the addresses.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # name -> address; bounded by the files in the manifest (a name outside it raises).
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        # DEBUG gives unhashed addresses; `force` is collectstatic's own use.
        if name is None or force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url

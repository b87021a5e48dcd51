"""The English catalogue translates every Danish string the templates and code mark."""

import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("option", ["--untranslated", "--only-fuzzy"])
def test_english_catalogue_is_complete(option):
    assert shutil.which("msgattrib"), "GNU gettext is installed by `make setup`"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["msgattrib", option, "--no-wrap", str(CATALOGUE)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    entries = [line for line in result.stdout.splitlines() if line.startswith("msgid ")]
    # Only the header (msgid "") may appear.
    assert entries in ([], ['msgid ""']), result.stdout[:2000]

"""Settings for the test suite: the real settings plus test-only speed-ups."""

import os
from typing import cast

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# The test client and the browser tests' live server speak plain HTTP on loopback;
# tests/test_security.py checks the HTTPS profile itself.
os.environ.setdefault("SECURE_HTTPS", "false")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
# Query counts measure a page, not the session renewal that a signed-in session gets at most
# once a minute; tests/test_accounts.py sets the real interval to test the renewal itself.
SESSION_RENEWAL_SECONDS = 10**10
# The live server's threads log requests after a test's captured stdout is closed; the
# process's own stdout is never closed (and pytest still captures it at the descriptor).
_log_handlers = cast(dict[str, dict[str, str]], LOGGING["handlers"])  # noqa: F405
_log_handlers["console"]["stream"] = "ext://sys.__stdout__"

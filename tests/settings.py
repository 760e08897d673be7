"""Test settings: the real ones, with a fast password hasher and plain static storage."""

import os
import tempfile
from pathlib import Path

from outsourcing.settings import *  # noqa: F403
from outsourcing.settings import CACHES, DATABASES, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the apps, as in development, so tests (and the
# browser tests' live server) need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file rather than memory, so tests that open several connections at once
    # (concurrent submits) share one database, as they would in production.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"outsourcing-tests-{os.getpid()}.sqlite3")
    }

# Abuse limits stay on, set high enough that no ordinary test meets them; the tests in
# tests/test_rate_limits.py lower them where they need to.
ADVISOR_RATE_LIMIT_RATES = {"submit": "100000/m", "preview": "100000/m", "pdf": "100000/m"}

# One process: local memory is fastest, and `cache.clear()` between tests is cheap.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Tests run with DEBUG off, as production does, whatever DJANGO_DEBUG says.
    "rendered": {**CACHES["rendered"], "BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

"""Test settings: the real ones, with a fast password hasher and plain static storage."""

from outsourcing.settings import *  # noqa: F403
from outsourcing.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the apps, as in development, so tests (and the
# browser tests' live server) need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

"""Settings for Outsourcing Advisor.

Everything that differs between a laptop and a server comes from the environment;
the defaults are safe for local use. See README.md for the variables.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG", default=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "outsourcing.apps.CatalogAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_htmx",
    "axes",
    "import_export",
    "simple_history",
    "outsourcing",
    "advisor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages (54 KB of questionnaire HTML is 9 KB gzipped); below whitenoise,
    # which sends static files precompressed, and above everything that writes a body.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the editor in the catalog's history for changes the admin makes outside a
    # form (deletions).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Inside the ones that add security headers, before anything reads the input.
    "outsourcing.middleware.RefuseUnreadableInput",
    # Last, as django-axes asks: it turns a locked-out admin login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "outsourcing.urls"
WSGI_APPLICATION = "outsourcing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL means the default, as an unset one does.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock when a
    # transaction starts, so two writers queue on the busy timeout instead of
    # failing with "database is locked" when one upgrades from a read.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL binds parameters itself, and plans once what a worker runs again and
    # again (the submit's INSERT): no quoting of a large JSON snapshot in Python, no
    # parsing it back on the server. Prepared statements live in a session, so put a
    # pooler in front only in session mode (docs/deploy.md).
    prepared = env_flag("DATABASE_PREPARED_STATEMENTS", default=True)
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 5 if prepared else None,
        # Matching's grouped query looks costly to the planner, which would compile it
        # (JIT) on every run: 0.7 s spent to save milliseconds (docs/performance.md).
        "options": "-c jit=off",
        **DATABASES["default"].get("OPTIONS", {}),
    }

CACHES: dict[str, dict[str, object]]
if os.environ.get("REDIS_URL"):
    # django-redis keeps one client a process; Django's own backend builds a new one for
    # every call, which cost 0.6-1.0 ms of a 2-4 ms cached page here (in-process, 10,000
    # vendors: the questionnaire 4.2 -> 3.4 ms, the preview 3.2 -> 2.1, the directory
    # 2.0 -> 1.5).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    # Files on this machine's disk: every worker of `make serve` shares them, so an
    # edit reaches all of them at once. Several machines need REDIS_URL.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR") or str(BASE_DIR / "var" / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# Rendered HTML (the page's assets and navigation, the questionnaire's blank fields,
# previews, briefs, directory pages, and the directory's choices) kept in each
# process's own memory, so a deploy starts afresh. Each key holds what its copy
# depends on (the catalog version, the link and host), and a brief is served only
# after its row is found, so no copy outlives an edit or a deletion. In DEBUG nothing
# is kept (the dummy backend), so a template edit shows at once.
# The questionnaire's fields come from here in 0.06 ms instead of 0.34 ms from the file
# cache (unzipped and unpickled each time).
CACHES["rendered"] = {
    "BACKEND": (
        "django.core.cache.backends.dummy.DummyCache"
        if DEBUG
        else "django.core.cache.backends.locmem.LocMemCache"
    ),
    "LOCATION": "rendered",
    "OPTIONS": {"MAX_ENTRIES": 500},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Source maps are for developer tools only: not worth compressing at deploy time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Strict policy: scripts only from this origin; nothing inline, nothing evaluated,
# nothing from another origin. No page has an inline script, so none needs a nonce,
# and a page carries nothing that differs between responses but its CSRF token.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# Production: HTTPS only, hardened headers and cookies. Applies whenever DEBUG is off;
# `check --deploy --fail-level WARNING` passes with these defaults (tests/test_production.py).
# The app normally sits behind a TLS-terminating load balancer, which must set (not
# append to) X-Forwarded-Proto. DJANGO_HTTPS=0 is the one, explicit switch for serving
# plain http on 127.0.0.1 (the benchmark, the two-instance test, a local look at the
# production build): no redirect, no HSTS, no Secure cookies. Never set it on a server.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# htmx posts the questionnaire with its token field, so no script needs the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = not DEBUG and env_flag("DJANGO_HTTPS", default=True)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: Secure, path "/", no Domain, so no other host can set or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Where the app is served, for links printed outside a request (the recommend command).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# How long the catalog version lives (outsourcing/catalog_version.py): every catalog
# write replaces it at once; this bounds how long a write that bypasses the ORM
# (raw SQL) stays unseen.
CATALOG_VERSION_SECONDS = 5 * 60

# Importing and exporting the catalog in the admin (outsourcing/resources.py): importing
# takes the model's change permission, exporting its view permission; an import runs in
# one transaction, so a file with any failing row changes nothing. Between the preview
# and the confirmation the file waits in the default cache, which every worker (and,
# with REDIS_URL, every machine) shares.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"

# Vendors and rate cards whose last review is older than this many months, or that
# were never reviewed, are listed by the admin's "needs review" filter.
CATALOG_REVIEW_MONTHS = int(os.environ.get("CATALOG_REVIEW_MONTHS", "12"))
# The catalog's history (django-simple-history) is a record to read: reading it takes
# the history model's own view permission, and no one reverts through it (a revert
# would skip the admin's checks and actions).
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# The directory's page size; the filters are in outsourcing/forms.py.
VENDORS_PER_PAGE = 12

# Abuse limits on the public POSTs and the PDF, per client (an IPv4 address or an
# IPv6 /64), counted in the database so every worker shares them; see
# outsourcing/ratelimit.py. ADVISOR_RATE_LIMITS=0 turns them off, for benchmarks.
ADVISOR_RATE_LIMITS = env_flag("ADVISOR_RATE_LIMITS", default=True)
ADVISOR_RATE_LIMIT_RATES = {
    "submit": os.environ.get("ADVISOR_SUBMIT_RATE", "20/m"),
    "preview": os.environ.get("ADVISOR_PREVIEW_RATE", "120/m"),
    "pdf": os.environ.get("ADVISOR_PDF_RATE", "10/m"),
}
# Proxies in front of the app that append to X-Forwarded-For; 0 trusts REMOTE_ADDR only.
ADVISOR_TRUSTED_PROXIES = int(os.environ.get("ADVISOR_TRUSTED_PROXIES", "0"))

# Admin login throttling (django-axes): five failed logins for one user name from one
# address lock that pair out for 15 minutes from the fifth failure; attempts during
# the lockout (even with the right password) do not restart it; a success clears the
# count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "outsourcing.ratelimit.lockout_response"
AXES_CLIENT_IP_CALLABLE = "outsourcing.ratelimit.client_address"

# Warnings and errors to standard error, where gunicorn's log collects them: server
# errors with their traceback, refused CSRF tokens and host names (django.security),
# locked-out admin logins (axes). Django's default sends them nowhere when DEBUG is off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    # Django's own console handler only works with DEBUG on; this one always does.
    "loggers": {"django": {"handlers": [], "propagate": True}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

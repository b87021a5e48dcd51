"""Settings for Psykiatriportalen, read from the environment (12-factor).

Every value can be set by an environment variable or a `.env` file (see `.env.example`);
the defaults give a working development site on SQLite. With DEBUG off this is the
production profile: HTTPS only, behind TRUSTED_PROXY_COUNT reverse proxies, and
`manage.py check --deploy` silent (docs/decisions/0019-security-production-profile.md).
"""

import datetime
import ipaddress
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used with DEBUG on.
    SECRET_KEY = "django-insecure-development-only"  # noqa: S105  # nosec B105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# HTTPS whenever DEBUG is off. SECURE_HTTPS=false is the switch for plain HTTP on loopback
# only (benchmarks/run.sh, the test suite): it is refused for any other host.
SECURE_HTTPS = env.bool("SECURE_HTTPS", default=not DEBUG)


def _is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


if not DEBUG and not SECURE_HTTPS and not all(map(_is_loopback, ALLOWED_HOSTS)):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECURE_HTTPS=false is for 127.0.0.1 and localhost only.")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address for links in e-mails; required in production (check --deploy).
# Unset in development, links follow the address of the request that caused the e-mail.
SITE_URL = env.str("SITE_URL", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "axes",
    "simple_history",
    "post_office",
    "django_celery_beat",
    "django_celery_results",
    "django_guid",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "municipalities",
    "accounts",
    "jobs",
    "commitments",
    "mappings",
    "pilots",
    "calls",
    "reporting",
    "meetings",
    # After meetings: KL's secretariat staff (meetings.Organisation) must use a second factor.
    "twofactor",
    "notifications",
    "privacy",
    "calendars",
    "dashboards",
    "exports",
    "material",
    "demo",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id and the request line times
    # everything after it (docs/decisions/0015-operations.md).
    "django_guid.middleware.guid_middleware",
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads the URL or the body: a NUL byte or an unreadable charset is a
    # 400, not a database error or an error page that fails to read the body again.
    "core.middleware.MalformedRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionRenewalMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Secretariats and administrators reach nothing before their second factor (decision 0014).
    "twofactor.middleware.TwoFactorMiddleware",
    # A signed-in user's pages (drafts, their own name) are never kept by a cache.
    "core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]
if DEBUG:
    MIDDLEWARE.insert(0, "core.middleware.RequestSiteMiddleware")

# benchmarks/run.sh serves benchmarks.urls (the portal plus its reference pages).
ROOT_URLCONF = env.str("ROOT_URLCONF", default="portal.urls")
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "accounts.context_processors.organisations",
                "calls.context_processors.calls_menu",
                "mappings.context_processors.path_menu",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep a worker's database connection between requests: opening a PostgreSQL connection per
# request cost ~10 ms, more than a whole cached dashboard page (docs/performance.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The kept dashboard page's key query is prepared once per connection (core/prepared.py). Set
# to false behind a pooler in transaction mode (PgBouncer), which does not keep them.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # The cache is an optimisation: with Redis down, pages are computed without it
            # and the outage is logged once (core/cache.py).
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "psykiatriportalen",
            "OPTIONS": {
                # An unreachable host must not hold a page for long.
                "socket_connect_timeout": env.float("REDIS_TIMEOUT_SECONDS", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT_SECONDS", default=0.5),
                # A kept page is read in one piece: with redis-py's 64 KB reads, the 790 KB heat
                # map of 98 municipalities took 2.1 ms to read, with 1 MB reads 1.3 ms.
                "socket_read_size": 1 << 20,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Dashboard figures are cached under keys that change whenever a report changes (see
# dashboards/cache.py), so this only bounds how long unused entries stay.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=3600)
# Each process also keeps the dashboard pages it served last, in memory, up to this many bytes
# (dashboards/cache.py): 32 MB holds some 1,300 pages of 29 municipalities or 40 heat maps of 98.
DASHBOARD_LOCAL_PAGE_BYTES = env.int("DASHBOARD_LOCAL_PAGE_BYTES", default=32 << 20)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
# The KKRs whose rows a user sees in the admin (core/admin.py): their secretariats' KKRs.
ADMIN_KKR_SCOPE = "accounts.permissions.manageable_kkr_ids"

# Sessions end after an hour without activity. A request renews the hour, but the session is
# written at most once a minute (core.middleware.SessionRenewalMiddleware): writing it on every
# request (SESSION_SAVE_EVERY_REQUEST) cost a database commit per page view (docs/performance.md).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=3600)
SESSION_RENEWAL_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
LANGUAGE_COOKIE_SECURE = SECURE_HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A load balancer asks for the health page over plain HTTP on the instance's own port.
SECURE_REDIRECT_EXEMPT = [r"^sundhed/"]

# HTTPS: plain-HTTP requests are redirected, and browsers are told to use HTTPS only for a
# year. HSTS includes subdomains of the portal's own host and asks to be preloaded; the
# preload list only takes a domain its owner submits. SECURE_HSTS_SECONDS=300 is the
# cautious first step of a new deployment.
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# How many reverse proxies stand in front of gunicorn (nginx, a load balancer). Each appends
# the address it saw to X-Forwarded-For, and the outermost one sets X-Forwarded-Proto over
# whatever the client sent. With 0 neither header is believed: a client can send both.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None

# Browser features the portal never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# django-axes: lock an account + address pair after repeated failed logins, and an account
# from everywhere after ACCOUNT_FAILURE_LIMIT; the address is counted in lower case whatever
# was typed (accounts/lockout.py).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
ACCOUNT_FAILURE_LIMIT = env.int("ACCOUNT_FAILURE_LIMIT", default=20)
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "accounts.lockout.normalised_username"
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
# Second factor (decision 0014): the name an authenticator app shows for the portal.
OTP_TOTP_ISSUER = "Psykiatriportalen"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The address axes counts failures for: the socket's peer, or behind TRUSTED_PROXY_COUNT
# proxies the entry the first of them appended to X-Forwarded-For (the client may prepend
# anything; ipware counts from the right). django-ipware counts the proxies listed in the
# header, which leaves out the last one: it is REMOTE_ADDR.
AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...]
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT: Path | None = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# In production (DEBUG off) static files are served by WhiteNoise under hashed names, with
# gzip and Brotli copies made by `collectstatic`, which the deployment runs on every release
# (docs/deployment.md). Development serves them unhashed straight from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.staticfiles.ManifestStaticStorage",
        )
    },
}
# Serve static files straight from the apps and static/ during development and tests.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Psykiatriportalen <noreply@example.dk>")

# The mail outbox (django-post-office, decision 12): core.mail.send() stores each message, and
# delivery hands it to EMAIL_BACKEND later. A message the mail server refuses is tried again
# every RETRY_INTERVAL, MAX_RETRIES times (two hours), then shown as failed in the admin.
POST_OFFICE = {
    "MAX_RETRIES": 24,
    "RETRY_INTERVAL": datetime.timedelta(minutes=5),
    "LOG_LEVEL": 1,  # keep a log row for failures only
    "THREADS_PER_PROCESS": 2,
    "BATCH_SIZE": 100,
}

# Background jobs on Celery (decision 12). With no broker configured (`make run`, the test
# suite) every task runs in the process that starts it, right after the commit that caused it.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"  # never used for sending; keeps Celery off its AMQP default
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
CELERY_RESULT_EXTENDED = True
# Only failures and retries are stored (django-celery-results, shown in the admin); a
# successful run every minute would fill the table with nothing to look at.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_STORE_ERRORS_EVEN_IF_IGNORED = True
CELERY_RESULT_EXPIRES = datetime.timedelta(days=30)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that cannot reach the broker gives up within about a second instead of
# hanging: the outbox and the job table keep the work, and beat hands it out again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Automatic reminders to municipalities that have not submitted: days relative to the
# (possibly extended) deadline, negative before it and positive after it.
REMINDER_OFFSETS_DAYS = env.list("REMINDER_OFFSETS_DAYS", cast=int, default=[-7, -1, 1, 7])

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A strict Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Request ids (django-guid): a proxy's X-Request-ID is kept when it is a UUID (the proxy in
# front must overwrite any the client sent, docs/deployment.md), otherwise one is made; it is
# returned in the response's X-Request-ID and put on every log record of the request.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
}

# Logs go to standard output, one JSON object per line (python-json-logger), with the request
# id of the request that wrote them; one line per request from core.middleware.RequestLogMiddleware
# (logger "core.requests"). LOG_FORMAT=text gives plain lines, the default with DEBUG on.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "django_guid.log_filters.CorrelationId",
            "correlation_id_field": "request_id",
        },
        "request_without_query": {"()": "core.logging.RequestWithoutQuery"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "request_without_query"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # post-office installs its own DEBUG handler unless its logger is configured here.
    "loggers": {
        "post_office": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "core.requests": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
        # django-guid says at INFO whether each request brought an id.
        "django_guid": {"level": "WARNING"},
    },
}

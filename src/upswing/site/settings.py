"""Django settings, driven only by environment variables (see .env.example)."""

from __future__ import annotations

from datetime import timedelta

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from upswing.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    upswing_home,
    with_password,
)

UPSWING_HOME = upswing_home()
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: set SECRET_KEY or SECRET_KEY_FILE (the `upswing` command makes "
        "a random one under UPSWING_HOME on first use)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "upswing.site.apps.SiteConfig",
    "upswing.org",
    "upswing.performance",
    "upswing.scorecards",
    "upswing.findings",
    "upswing.targets",
    "upswing.coaching",
    "upswing.plans",
    "upswing.audit",
    "upswing.imports",
    "upswing.privacy",
    "ninja",  # the API docs page, rendered from its bundled static files (no CDN)
    "upswing.api",
    "upswing.feedback",
    "upswing.quality",
    "upswing.governance",
    "upswing.connectors",
    "upswing.sources",
    "upswing.today",
    "upswing.tables",
    "django_tasks",
    "django_tasks_db",
    "upswing.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "upswing.audit.middleware.RequestIdMiddleware",
    # Serves the project's own static files (CSS, htmx) so that `upswing serve` needs no CDN
    # and no separate web server for them.
    "upswing.site.middleware.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "upswing.site.middleware.ControlCharactersMiddleware",  # a NUL in a parameter: 400
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "upswing.site.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into a 429 page.
    "axes.middleware.AxesMiddleware",
    # A warehouse busy with an import or a refresh: 503 with Retry-After, not a traceback.
    "upswing.jobs.middleware.WarehouseBusyMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses credentials while a username+IP pair is locked out, then hands over.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "upswing.site.urls"
WSGI_APPLICATION = "upswing.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "upswing.site.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        with_password(env_str("DATABASE_URL"), env_secret("DATABASE_PASSWORD"))
        or f"sqlite:///{UPSWING_HOME / 'upswing.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# The cache (API rate counts): in each process by default; a Redis URL shares it between the
# web server's workers and hosts, so a rate limit means the same everywhere.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
        if (cache_url := env_str("UPSWING_CACHE_URL"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while an import or refresh writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the app's queries are small, but a plan over millions of snapshot rows can be
    # estimated dear enough to be compiled first, which took 14 s of a 15 s agent page.
    # No parallel workers, for the same reason: starting them took 7 ms of an agent page's
    # 8 ms query of a few hundred rows read by index.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    sessions = "-c jit=off -c max_parallel_workers_per_gather=0"
    options["options"] = f"{options.get('options', '')} {sessions}".strip()

# The analytics warehouse: any Ibis URL; a DuckDB file under UPSWING_HOME by default.
UPSWING_WAREHOUSE_URL = (
    with_password(env_str("UPSWING_WAREHOUSE_URL"), env_secret("UPSWING_WAREHOUSE_PASSWORD"))
    or f"duckdb://{UPSWING_HOME / 'warehouse.duckdb'}"
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id first; the others stay so that hashes made before can still be checked (and are
# upgraded to Argon2 on the next sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (ASVS 6.3.1): 5 failures lock one username from one address for 15 minutes.
# Username+IP, not IP alone: a whole contact-center floor often shares one NAT address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Number of reverse proxies in front that append to X-Forwarded-For (0: use REMOTE_ADDR).
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Security headers on every response. Cookies are Secure whenever DEBUG is off unless
# SECURE_COOKIES=0 says otherwise (plain-HTTP trial on a laptop).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
# Absolute session lifetime: one shift (ASVS 7.3.2).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 10 * 3600)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "upswing.site.errors.csrf_failure"  # a styled page that says what to do
# Content-Security-Policy: scripts and styles only from our own static files (no CDN).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

# Uploads (imports page): the file limit is enforced before a file byte is stored (the
# handler below runs first); other form data stays small; files over 2.5 MB stream to disk.
UPSWING_MAX_UPLOAD_MB = env_int("UPSWING_MAX_UPLOAD_MB", 50)

# API calls per signed-in user (token or session), e.g. "600/min", "20/s"; counted in the
# default cache, so per process unless a shared cache is configured.
UPSWING_API_RATE = env_str("UPSWING_API_RATE") or "600/min"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "upswing.imports.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o600

STATIC_URL = "static/"
STATIC_ROOT = UPSWING_HOME / "static"
# Without `collectstatic`, serve straight from the app folders (a small self-hosted install).
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Email (plan nudges): printed to the console unless SMTP is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "upswing@localhost")

# 360 feedback: the fewest anonymous raters behind any shown number (hard floor 3), and behind
# shown comments (at least as many). A cycle may raise them, never lower them.
UPSWING_FEEDBACK_MIN_RATERS = env_int("UPSWING_FEEDBACK_MIN_RATERS", 5)
UPSWING_FEEDBACK_MIN_COMMENTERS = env_int("UPSWING_FEEDBACK_MIN_COMMENTERS", 7)
# The job queue (upswing.jobs): tasks stored in the operational database, run by
# `upswing worker` (started beside the web server by `upswing serve`).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Each task runs in a child process with these limits: wall-clock seconds and address space.
UPSWING_JOB_TIME_LIMIT = env_int("UPSWING_JOB_TIME_LIMIT", 3600)
UPSWING_JOB_MEMORY_MB = env_int("UPSWING_JOB_MEMORY_MB", 4096)
# A worker silent for this many seconds is taken for dead: its task is retried (up to
# UPSWING_JOB_MAX_ATTEMPTS runs in all) or failed.
UPSWING_JOB_LEASE_SECONDS = env_int("UPSWING_JOB_LEASE_SECONDS", 60)
UPSWING_JOB_MAX_ATTEMPTS = env_int("UPSWING_JOB_MAX_ATTEMPTS", 2)
# Processes `upswing diagnose` judges programs in, side by side (0: one per core).
UPSWING_DIAGNOSIS_PROCESSES = env_int("UPSWING_DIAGNOSIS_PROCESSES", 0)
# `upswing serve` starts one worker beside the web server unless this is 0.
UPSWING_SERVE_WORKER = env_bool("UPSWING_SERVE_WORKER", True)
# Seconds POST /api/imports waits for the worker's outcome before answering 202.
UPSWING_API_IMPORT_WAIT = env_int("UPSWING_API_IMPORT_WAIT", 30)
# Seconds a web request waits for the warehouse's writer before answering 503.
UPSWING_WEB_WAREHOUSE_WAIT = env_int("UPSWING_WEB_WAREHOUSE_WAIT", 5)
# The nightly jobs, as `name@HH:MM` (daily, TIME_ZONE) or `name/MINUTES` (every N minutes),
# comma-separated; names in upswing.jobs.schedule.JOBS. Empty: no schedule.
UPSWING_SCHEDULE = env_str(
    "UPSWING_SCHEDULE",
    "pull_zendesk/60,pull_freshdesk/60,read_sources/60,refresh@02:00,diagnose@02:30,nudge@07:00,governance_reports@07:30",
)

# Pull connectors: credentials from the environment; a connector without them is off.
ZENDESK_URL = env_str("ZENDESK_URL")  # e.g. https://acme.zendesk.com
ZENDESK_EMAIL = env_str("ZENDESK_EMAIL")
ZENDESK_API_TOKEN = env_secret("ZENDESK_API_TOKEN")
# First pull: tickets updated since this day (ISO date); later pulls resume from the cursor.
ZENDESK_START_DATE = env_str("ZENDESK_START_DATE")
FRESHDESK_URL = env_str("FRESHDESK_URL")  # e.g. https://acme.freshdesk.com
FRESHDESK_API_KEY = env_secret("FRESHDESK_API_KEY")
FRESHDESK_START_DATE = env_str("FRESHDESK_START_DATE")
# Longest wait honoured from a 429's Retry-After, and retries of one page before giving up.
UPSWING_CONNECTOR_MAX_WAIT = env_int("UPSWING_CONNECTOR_MAX_WAIT", 300)
UPSWING_CONNECTOR_RETRIES = env_int("UPSWING_CONNECTOR_RETRIES", 5)
# The key of the audit trail's hash chain (`upswing audit verify`). Kept out of the database so
# that its users cannot rewrite the trail undetected; falls back to SECRET_KEY. Set it on its
# own to rotate SECRET_KEY freely: changing this key makes every stored event fail verify.
UPSWING_AUDIT_KEY = env_secret("UPSWING_AUDIT_KEY")

# Single sign-on with OpenID Connect (docs/deploy.md), on when UPSWING_OIDC_ISSUER is set: the
# provider's endpoints come from its discovery document; its groups map to role grants as
# UPSWING_OIDC_GROUP_GRANTS (JSON) says. Local accounts keep working beside it.
UPSWING_OIDC_ISSUER = env_str("UPSWING_OIDC_ISSUER")
OIDC_RP_CLIENT_ID = env_str("UPSWING_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_secret("UPSWING_OIDC_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile groups"
OIDC_AUTHENTICATE_CLASS = "upswing.sso.views.AuthenticateView"
OIDC_CALLBACK_CLASS = "upswing.sso.views.CallbackView"
OIDC_USE_PKCE = True
UPSWING_OIDC_GROUP_GRANTS = env_str("UPSWING_OIDC_GROUP_GRANTS") or "{}"
if UPSWING_OIDC_ISSUER:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "upswing.sso.backend.GroupGrantsBackend"]

"""Settings shared by every environment. Values that vary come from config.env."""

from pathlib import Path

from csp.constants import NONCE, SELF

from config.env import BASE_DIR, database_config, env, replica_config, trusted_proxy_count

VAR_DIR = Path(env.str("CORDEE_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "cordee.www.errors.views.csrf_failure"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Who publishes and hosts the site, and whom to write to about personal data and accessibility
# (legal pages). Empty: the pages show Cordée's defaults and say that they are defaults.
LEGAL_PUBLISHER = env.str("LEGAL_PUBLISHER", default="")
LEGAL_HOST = env.str("LEGAL_HOST", default="")
LEGAL_CONTACT_EMAIL = env.str("LEGAL_CONTACT_EMAIL", default="")
# Key of the hashes the journal keeps instead of identifiers typed by people without an account
# (cordee.core.pseudonyms); derived from SECRET_KEY when empty.
JOURNAL_HASH_KEY = env.str("JOURNAL_HASH_KEY", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "dsfr",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "huey.contrib.djhuey",
    "csp",
    # Cordée domain apps
    "cordee.core",
    "cordee.users",
    "cordee.territories",
    "cordee.structures",
    "cordee.journal",
    "cordee.places",
    "cordee.aggregation",
    "cordee.beneficiaries",
    "cordee.diagnostics",
    "cordee.referrals",
    "cordee.activities",
    "cordee.activities.legacy",
    "cordee.dashboards",
    "cordee.pass_numerique",
    "cordee.pass_numerique.jobs",
    "cordee.api",
    "cordee.demo",
    "cordee.www",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "cordee.www.roles.RolesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the exceptions of the views first: a domain error becomes its French error page.
    "cordee.www.errors.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "cordee.www.context_processors.site",
                "cordee.www.roles.acting_structure_context",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": database_config(VAR_DIR / "cordee.sqlite3")}
# The hottest hand-written statements (cordee.core.sql) are kept prepared on each PostgreSQL connection: parsed
# and planned once, not at every request. Turn off behind a pooler in transaction mode that cannot keep them
# (PgBouncer before 1.21, or without max_prepared_statements).
DATABASE_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=True)
if DATABASE_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg prepares at first use what cordee.core.sql.prepared_cursor() sends; the ORM's cursors never prepare.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 0)
_replica = replica_config()
if _replica:
    DATABASES["replica"] = _replica
# Read-heavy public search and dashboards read from here; everything else uses "default",
# so a person always sees what they have just written.
READ_DATABASE = "replica" if _replica else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "www:accounts:login"
LOGIN_REDIRECT_URL = "www:dashboard:index"
LOGOUT_REDIRECT_URL = "www:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
# Sessions (docs/deployment.md, "Sessions"): until the browser closes unless "rester connecté";
# the server ends one SESSION_COOKIE_AGE after login anyway; "rester connecté" lasts SESSION_REMEMBER_AGE,
# at most SESSION_STAFF_AGE for coordinators and national admins.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_REMEMBER_AGE = env.int("SESSION_REMEMBER_AGE", default=60 * 60 * 24 * 30)
SESSION_STAFF_AGE = env.int("SESSION_STAFF_AGE", default=60 * 60 * 8)
INVITATION_MAX_AGE = 60 * 60 * 24 * 14  # two weeks

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploads over 2.5 MB go to a temporary file, never whole in memory; form fields are capped too. Import
# files have their own limit, enforced while they are received (cordee/www/uploads.py).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Text messages (cordee/core/sms.py): the console by default (number masked); no provider is shipped.
SMS_BACKEND = env.str("SMS_BACKEND", default="cordee.core.sms.ConsoleBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cordée <ne-pas-repondre@cordee.localhost>")

# Background and periodic tasks: Huey on SQLite by default, on Redis when REDIS_URL is set.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "cordee",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "cordee",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 1, "worker_type": "thread"},
    }


def _rate_or_none(rate):
    return None if rate.strip().lower() in ("", "off", "none") else rate


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cordee.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "cordee.api.pagination.PageNumberPagination",
    "DEFAULT_PARSER_CLASSES": ["cordee.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "cordee.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "cordee.api.throttling.AnonRateThrottle",
        "cordee.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # "off" disables a limit (load tests: a huge rate would make DRF keep a huge history per client).
        "anon": _rate_or_none(env.str("API_ANON_RATE", default="120/minute")),
        "user": _rate_or_none(env.str("API_USER_RATE", default="600/minute")),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Cordée",
    "DESCRIPTION": "API publique et authentifiée de Cordée, plateforme de l'inclusion numérique.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cordee.api.schema.allow_empty_query_values",
    ],
}
# Bodies the API reads (JSON only): larger or deeper ones are refused with a 400.
API_MAX_BODY_SIZE = env.int("API_MAX_BODY_SIZE", default=1024 * 1024)
API_MAX_JSON_DEPTH = 32
# An idempotency key (Idempotency-Key header) is remembered this long, then purged by a periodic task.
IDEMPOTENCY_KEY_TTL = env.int("IDEMPOTENCY_KEY_TTL", default=60 * 60 * 24)
# Days the pseudonymous reference of a Pass numérique distribution is kept after the passes of its order expired
# (end date plus tolerance): long enough for the last statements and the funder's checks, then erased.
PASS_REFERENCE_RETENTION_DAYS = env.int("PASS_REFERENCE_RETENTION_DAYS", default=180)
# Reverse proxies in front of the application that append to X-Forwarded-For (0: the header is ignored).
TRUSTED_PROXY_COUNT = trusted_proxy_count()

# The cache holds rate-limit counters: it must be shared by every process (web workers, task worker),
# so never a per-process memory cache. The database cache needs `manage.py createcachetable` (make run
# does it); Redis when REDIS_URL is set.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cordee_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
    }
}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Content Security Policy: nothing from a third party, scripts only with the page's nonce.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")
# A raster PMTiles file on this machine, served by the site itself (byte ranges) and read by the vendored
# PMTiles library: no tile server needed. It gives MAP_TILE_URL when that is not set.
MAP_PMTILES_FILE = env.str("MAP_PMTILES_FILE", default="")
MAP_PMTILES_URL = "/carte/fond.pmtiles"
if MAP_PMTILES_FILE and not MAP_TILE_URL:
    MAP_TILE_URL = MAP_PMTILES_URL
_img_src = [SELF, "data:"]
if MAP_TILE_URL.endswith(".pmtiles"):
    _img_src.append("blob:")  # the PMTiles library hands each tile to Leaflet as a blob: image
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    if _tiles.netloc:  # a path on the site itself ("/tuiles/{z}/{x}/{y}.png") is already 'self'
        _img_src.append(f"{_tiles.scheme}://{_tiles.netloc.split('{')[0] or _tiles.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": _img_src,
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

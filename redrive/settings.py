"""One settings module for every environment, driven by typed environment variables.

Defaults need no servers: SQLite under var/ and a file-system Celery broker, so
`make run` works on a bare machine. DATABASE_URL and REDIS_URL switch to
PostgreSQL and Redis. Test settings live in tests/conftest.py and only speed
things up.
"""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from redrive.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("REDRIVE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Development only: a key per var/ folder, so sessions survive restarts.
    key_file = VAR_DIR / "dev-secret-key"
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Project apps in the order of their arrows (docs/architecture.md): each imports
# only the ones above it. accounts comes before django.contrib.admin so its
# registration/ templates (log-in, password change) are found before the admin's.
INSTALLED_APPS = [
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "learning",
    "flashcards",
    "labs",
    "classes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before CSRF: a bearer-token request carries no cookie, so CSRF does not apply to it.
    "accounts.api_auth.BearerTokenMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "redrive.urls"
WSGI_APPLICATION = "redrive.wsgi.application"

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
                "learning.context_processors.site",
                "redrive.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'redrive.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql"),
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", default=True):
    # psycopg 3's server-side binding (Django's documented `server_side_binding`
    # option): parameters travel apart from the SQL, and a statement run
    # prepare_threshold times on a connection becomes a prepared statement,
    # planned once there instead of on every request. Turn off behind a pooler
    # in transaction mode that does not keep prepared statements per client.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes a verdict.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The due-cards index covers extra columns on PostgreSQL only (INCLUDE); on
    # SQLite it is the same index without them, which is all SQLite can do.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "learning:home"
LOGOUT_REDIRECT_URL = "learning:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve straight from static/ without collectstatic in development and tests.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG


# --- Course content ---------------------------------------------------------
COURSE_DIR = Path(env_str("COURSE_DIR", str(BASE_DIR / "course"))).resolve()

# --- Celery -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    REDIS_URL = env_url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss"))
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 120}
else:
    # A broker made of files under var/: no server needed, and a worker in
    # another process (make run) still shares the queue with the web server.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "redrivefs://"  # kombu's filesystem transport, messages written whole (redrive/broker.py)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's exchange tables; its default is "control" in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # How often an idle worker looks for new files (kombu's default, 1 s,
        # was most of the wait between Run & grade and the verdict). A look is
        # one listing of a near-empty folder.
        "polling_interval": 0.1,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2, minimum=1, maximum=64)
# The labs sweep (labs/services/sweeps.py): requeues or fails gradings whose
# worker died, and dispatches submissions saved while the broker was down.
# Needs beat: `celery -A redrive worker -B` (one beat per deployment).
# A grading whose worker died is requeued LABS_RUNNING_GRACE_S after its lab's
# time limit ran out, at the next sweep: so within time limit + grace + period.
LABS_SWEEP_EVERY_S = env_int("LABS_SWEEP_EVERY_S", 10, minimum=1, maximum=300)
LABS_RUNNING_GRACE_S = env_int("LABS_RUNNING_GRACE_S", 15, minimum=1, maximum=600)
CELERY_BEAT_SCHEDULE = {
    "labs-sweep-submissions": {
        "task": "labs.sweep_submissions",
        "schedule": float(LABS_SWEEP_EVERY_S),
        "options": {"expires": max(30, 3 * LABS_SWEEP_EVERY_S)},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Cache ------------------------------------------------------------------
# Shared by every process, because bearer-token look-ups are cached in it and a
# revoked token must be refused by all of them at once (accounts/token_cache.py):
# Redis when there is one, else files under var/ (one machine, any number of
# processes). Keys carry a prefix, as the Redis database is the broker's too.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "redrive"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}}

# --- Labs -------------------------------------------------------------------
SANDBOX_REQUIRE_ISOLATION = env_bool("SANDBOX_REQUIRE_ISOLATION", default=not DEBUG)
SANDBOX_UID = env_int("SANDBOX_UID", 65534, minimum=1)
SANDBOX_BWRAP = env_str("SANDBOX_BWRAP", "/usr/bin/bwrap")
if not SANDBOX_BWRAP.startswith("/"):
    raise ImproperlyConfigured(f"SANDBOX_BWRAP must be an absolute path to bubblewrap, not {SANDBOX_BWRAP!r}")
LAB_RATE_LIMIT_PER_MINUTE = env_int("LAB_RATE_LIMIT_PER_MINUTE", 10, minimum=1)

# --- Production hardening ---------------------------------------------------
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

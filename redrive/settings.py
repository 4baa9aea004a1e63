"""One settings module for every environment, driven by typed environment variables.

Defaults need no servers: SQLite under var/ and a file-system Celery broker, so
`make run` works on a bare machine. DATABASE_URL and REDIS_URL switch to
PostgreSQL and Redis. Test settings live in tests/conftest.py and only speed
things up.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
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
    "axes",
    "csp",
    "ninja",  # django-ninja: the API docs page served from its own static files (no CDN)
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
    # Every response, the refusals below included, carries the policy.
    "csp.middleware.CSPMiddleware",
    # Before anything reads a field: NUL, lone surrogates, deep or non-finite JSON
    # and oversized API bodies answer 400/413 here, never 500 further in.
    "redrive.input_guard.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before CSRF: a bearer-token request carries no cookie, so CSRF does not apply to it.
    "accounts.api_auth.BearerTokenMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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

# django-axes checks every log-in (the site's and the admin's) before the
# password: see "Log-in throttling" below.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

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


# --- E-mail (password reset) -----------------------------------------------
# Without EMAIL_HOST, mail is printed to the web process's console, so reset
# links work in development without a mail server. With it, mail goes over SMTP.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10  # seconds: a stuck mail server must not hold a web worker forever
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Redrive <noreply@localhost>")
# A reset link works for this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600 * 24, minimum=300)


# --- Course content ---------------------------------------------------------
COURSE_DIR = Path(env_str("COURSE_DIR", str(BASE_DIR / "course"))).resolve()

# --- Celery -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# A broker on the same network connects in a millisecond; a request must not wait long for one that does not.
BROKER_CONNECT_TIMEOUT_MS = env_int("BROKER_CONNECT_TIMEOUT_MS", 300, minimum=10, maximum=10_000)
REDIS_TRANSPORT_OPTIONS = {
    "visibility_timeout": 120,
    # Sending never waits for a broker that is down (labs/services/dispatch.py):
    # one connection attempt, no retries (kombu's default retries for about 6 s),
    # and a connect that gives up after BROKER_CONNECT_TIMEOUT_MS. The
    # submission stays queued and the sweep sends it. Workers reconnect on
    # their own terms (redrive/celery.py QuickReconnectConsumer).
    "max_retries": 0,
    "socket_connect_timeout": BROKER_CONNECT_TIMEOUT_MS / 1000,
}
if REDIS_URL:
    REDIS_URL = env_url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss"))
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_TRANSPORT_OPTIONS
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
# Celery's Django fixup closes the database connection around every task unless
# told to reuse it: each grading then opened a new PostgreSQL connection before
# its claim, 6-8 ms of the learner's wait. Reused here for up to this many
# tasks, and in between kept or closed as Django does for a web request
# (CONN_MAX_AGE, errors: redrive/celery.py), so a broken connection lasts one task.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000, minimum=0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2, minimum=1, maximum=64)
# Two queues: gradings on "celery", the sweep on "sweeps", so a backlog of
# gradings never delays (or, through its expiry, discards) a sweep. A worker
# started without -Q consumes every queue listed here.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {"celery": {}, "sweeps": {}}
CELERY_TASK_ROUTES = {"labs.sweep_submissions": {"queue": "sweeps"}}
# Back on a broker that returns within a few seconds, not kombu's 30 s back-off.
CELERY_WORKER_CONSUMER = "redrive.celery:QuickReconnectConsumer"
# The labs sweep (labs/services/sweeps.py): requeues or fails gradings whose
# worker died, dispatches submissions saved while the broker was down, and sends
# again those whose message was lost. Needs beat, as its own process and one per
# deployment: `celery -A redrive beat` (README, `make run`).
# A grading whose worker died is requeued LABS_RUNNING_GRACE_S after its lab's
# time limit ran out, at the next sweep: so within time limit + grace + period.
LABS_SWEEP_EVERY_S = env_int("LABS_SWEEP_EVERY_S", 10, minimum=1, maximum=300)
LABS_RUNNING_GRACE_S = env_int("LABS_RUNNING_GRACE_S", 15, minimum=1, maximum=600)
CELERY_BEAT_SCHEDULE = {
    "labs-sweep-submissions": {
        "task": "labs.sweep_submissions",
        "schedule": float(LABS_SWEEP_EVERY_S),
        "options": {"expires": max(30, 3 * LABS_SWEEP_EVERY_S), "queue": "sweeps"},
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

# --- Log-in and sign-up throttling ---------------------------------------------
# Behind a proxy every request comes from the proxy's address: TRUSTED_PROXY_COUNT
# says how many proxies append to X-Forwarded-For, so the client's own address is
# read that many entries from the right (accounts/client_ip.py). 0 (the default)
# trusts no header: REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
# A lock holds one username from one address: an attacker who tries passwords for
# alice locks out alice-from-the-attacker's-address, not alice everywhere (which a
# username-only rule would let anyone do to anyone), and a class of students
# behind one school address is not locked out by one student's typos (which an
# address-only rule would do). Guessing from many addresses still costs each
# address a lock after AXES_FAILURE_LIMIT tries per username.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=24 * 60)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout.locked_out"
# Failed attempts only: a table of every successful log-in and its address is
# personal data the site has no use for.
AXES_DISABLE_ACCESS_LOG = True
# Sign-ups per client address per clock hour (accounts/throttle.py, in the shared
# cache): room for a class of 30 signing up together behind one school address,
# while a script can no longer make accounts by the thousand.
SIGNUP_LIMIT_PER_HOUR = env_int("SIGNUP_LIMIT_PER_HOUR", 30, minimum=1)

# --- Content-Security-Policy (django-csp) ------------------------------------
# No inline script anywhere: every script is a file under static/ (no handler
# attributes, no <script> blocks; htmx's own injected style is turned off in
# base.html). Style *elements* are likewise from files only. Style *attributes*
# stay allowed (style-src-attr): lesson tables carry text-align from Markdown
# (coursefiles/markdown.py keeps that one property), templates and the admin use
# a few; an attribute cannot run script or select other elements, so it cannot
# read the page the way an injected <style> rule could.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # NONCE: the lab editor (CodeMirror) writes its own <style> element,
        # stamped with this response's nonce (labs/templates/labs/lab_detail.html
        # hands it over); django-csp adds the nonce only where a page used it.
        "style-src-elem": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Production hardening ---------------------------------------------------
# Behind a TLS-terminating proxy Django sees plain HTTP: the proxy's
# X-Forwarded-Proto header tells it the request was HTTPS, so join links, the
# API's Location headers and secure-cookie checks read https://. Set it only
# when a proxy sets (and strips any client's) X-Forwarded-Proto.
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS: browsers refuse plain HTTP to this host for this many seconds. Off (0) by
# default, as a wrong value outlives the deployment that sent it.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# /healthz stays reachable over plain HTTP for a load balancer's probe.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
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

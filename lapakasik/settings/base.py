"""Settings shared by every environment. Everything comes from the environment.

Every variable read here is listed, with its default, in README.md. This module holds
Django's own settings (apps, middleware, security, database, staff login, languages,
static files, the API, logging); each part of the product has its own module, gathered
at the end: tasks (Celery and every beat sweep), documents, claims, notifications,
interviews, reports.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from lapakasik.logs import logging_config

from .environment import BASE_DIR, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "core",
    "accounts",
    "claims",
    "documents",
    "interviews",
    "notifications",
    "portal",
    "console",
    "reports",
    "privacy",
    "demo",
    "axes",
    "csp",
]

# Content Security Policy (django-csp): scripts, styles, images and requests from this
# origin only. No inline script or style anywhere (no 'unsafe-inline', no nonces); blob:
# images are the upload preview, the blob:/self worker the photo compression. A response
# that sets its own policy keeps it (documents served with "sandbox"). Browser tests fail
# on any violation the console reports (tests/browser/conftest.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "font-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

MIDDLEWARE = [
    # First, so every log line of the request carries its id.
    "lapakasik.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are gzipped (static files come pre-compressed from WhiteNoise, which answers
    # first). BREACH needs a secret and attacker-chosen text in one compressed response:
    # the CSRF token is masked afresh in every response, pages that echo query text (branch
    # search, ?nomor=) show no personal data, Django pads each gzip response with random
    # bytes, and the SameSite=Lax session cookie is not sent on another site's fetches.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth: budgets know a claimant's address, and exempt logged-in staff (lapakasik/budgets.py).
    "lapakasik.budgets.BudgetMiddleware",
    # Staff sessions expire; staff pages are never cached. After messages: it leaves a note.
    "lapakasik.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Database, Redis or storage away: the friendly 503 page, never a trace (lapakasik/faults.py).
    "lapakasik.faults.OutageMiddleware",
    # Last, as django-axes asks: turns a lockout into the plain lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lapakasik.urls"
WSGI_APPLICATION = "lapakasik.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lapakasik" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lapakasik.context_processors.service",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "admin:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff login: django-axes locks a username from one IP address after too many wrong
# passwords, and a username from every address after AXES_USERNAME_FAILURE_LIMIT wrong
# passwords in all (lapakasik/staff_lockout.py). Its backend comes first so a locked-out
# login is refused even with the right password. The client IP is read like the claimant throttles read it
# (TRUSTED_PROXY_COUNT), so behind a proxy one officer's mistakes lock only that officer.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=20)
AXES_HANDLER = "lapakasik.staff_lockout.StaffLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lapakasik.middleware.staff_lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_ip"
AXES_USERNAME_CALLABLE = "lapakasik.middleware.axes_username"
# Staff sessions end after this much inactivity, and at the latest this long after login
# (lapakasik/middleware.py). Claimant sessions keep SESSION_COOKIE_AGE.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
STAFF_SESSION_MAX_HOURS = env.int("STAFF_SESSION_MAX_HOURS", default=10)

# Indonesian first; English when the visitor chooses it.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# The language switch is a form POST to set_language (base.html) and no script reads the
# cookie; prod.py adds Secure.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://lapakasik")}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A claimant comes back to an unfinished claim from the same phone within this time.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["portal.api.auth.ClaimTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_RATES": {},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LapakAsik API",
    "DESCRIPTION": "Claim intake for BPJS Ketenagakerjaan: start a claim, upload documents, read its status.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.Status",
        "DocumentStatusEnum": "documents.models.DocumentStatus",
    },
}

# Behind a proxy, the number of trusted proxies in X-Forwarded-For (0: use REMOTE_ADDR).
# Empty reads as unset (0 here); prod.py refuses it unset or empty.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", default="") or 0)

# One JSON object a line with the request id (lapakasik/logs.py); "plain" for a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
# /readyz gives each part (database, Redis, storage, clamd) this many seconds to answer.
READY_CHECK_TIMEOUT = env.float("READY_CHECK_TIMEOUT", default=2.0)

# Each part of the product, by topic.
from .claims import *  # noqa: E402, F403
from .documents import *  # noqa: E402, F403
from .interviews import *  # noqa: E402, F403
from .notifications import *  # noqa: E402, F403
from .reports import *  # noqa: E402, F403
from .tasks import *  # noqa: E402, F403

"""Settings shared by every environment. Everything comes from the environment.

Every variable read here is listed, with its default, in README.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from lapakasik.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

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
# passwords. Its backend comes first so a locked-out login is refused even with the
# right password. The client IP is read like the claimant throttles read it
# (TRUSTED_PROXY_COUNT), so behind a proxy one officer's mistakes lock only that officer.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
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
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Claim documents never live under a public URL: the "documents" storage has no
# base URL and files are served only through views that check access.
MEDIA_ROOT = env.path("LAPAKASIK_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))
STORAGE_BACKEND = env("STORAGE_BACKEND", default="filesystem")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="ap-southeast-3")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
if STORAGE_BACKEND == "s3":
    documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "access_key": AWS_ACCESS_KEY_ID,
            "secret_key": AWS_SECRET_ACCESS_KEY,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            # A presigned link is good for five minutes at most.
            "querystring_expire": 300,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }
else:
    documents_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(MEDIA_ROOT),
            "base_url": None,
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    }
STORAGES = {
    "default": documents_storage,
    "documents": documents_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads: refused while streaming once a file passes the limit (see documents/uploads.py).
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "documents.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

# The automatic document checks (documents/checks/). Read when a check runs.
DOCUMENT_IMAGE_MAX_PIXELS = env.int("DOCUMENT_IMAGE_MAX_PIXELS", default=50_000_000)
DOCUMENT_IMAGE_LONG_SIDE = env.int("DOCUMENT_IMAGE_LONG_SIDE", default=2000)
DOCUMENT_IMAGE_MIN_SHORT_SIDE = env.int("DOCUMENT_IMAGE_MIN_SHORT_SIDE", default=600)
DOCUMENT_THUMBNAIL_SIZE = env.int("DOCUMENT_THUMBNAIL_SIZE", default=320)
DOCUMENT_PDF_MAX_PAGES = env.int("DOCUMENT_PDF_MAX_PAGES", default=20)
# Antivirus: ClamdScanner talks to clamd over CLAMD_SOCKET (a Unix socket) or CLAMD_HOST:CLAMD_PORT.
ANTIVIRUS_BACKEND = env("ANTIVIRUS_BACKEND", default="documents.checks.antivirus.ClamdScanner")
CLAMD_SOCKET = env("CLAMD_SOCKET", default="")
CLAMD_HOST = env("CLAMD_HOST", default="127.0.0.1")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)
# A document still "checking" this long after it was queued is queued again (beat sweep).
DOCUMENT_CHECK_STUCK_AFTER = env.int("DOCUMENT_CHECK_STUCK_AFTER", default=300)
# Runs of one check that started but never finished (the worker died) before the file is
# rejected as unreadable: a poison file must not loop forever.
DOCUMENT_CHECK_MAX_ATTEMPTS = env.int("DOCUMENT_CHECK_MAX_ATTEMPTS", default=3)
# Stored files no document refers to are deleted once this old (beat sweep).
DOCUMENT_ORPHAN_MIN_AGE = env.int("DOCUMENT_ORPHAN_MIN_AGE", default=3600)
# Resumable uploads (tus): an unfinished one is deleted this long after its last piece (beat
# sweep, hourly); the browser sends pieces of this many bytes.
DOCUMENT_RESUMABLE_EXPIRE_HOURS = env.int("DOCUMENT_RESUMABLE_EXPIRE_HOURS", default=24)
DOCUMENT_RESUMABLE_CHUNK_BYTES = env.int("DOCUMENT_RESUMABLE_CHUNK_BYTES", default=256 * 1024)

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
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

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Redis down at upload time: fail the publish fast (the upload stands; a sweep queues it).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The worker logs through LOGGING (JSON, with the request id) instead of Celery's own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "documents-requeue-stuck": {"task": "documents.tasks.documents_requeue_stuck_task", "schedule": 60.0},
    "documents-sweep-orphans": {"task": "documents.tasks.documents_sweep_orphans_task", "schedule": 3600.0},
    "documents-sweep-resumable": {"task": "documents.tasks.resumable_uploads_sweep_task", "schedule": 3600.0},
    "interviews-send-reminders": {"task": "interviews.tasks.reminders_send_due_task", "schedule": 60.0},
}

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

# The officer console.
# Working days from submission to decision the branches aim for (the queue shows age against it).
CLAIM_SERVICE_TARGET_DAYS = env.int("CLAIM_SERVICE_TARGET_DAYS", default=5)
# An officer's hold on a claim lapses after this many minutes without a change.
CLAIM_ASSIGNMENT_LAPSE_MINUTES = env.int("CLAIM_ASSIGNMENT_LAPSE_MINUTES", default=30)

# One-time codes for claimants coming back to a claim.
OTP_TTL_SECONDS = env.int("OTP_TTL_SECONDS", default=600)
OTP_MAX_ATTEMPTS = env.int("OTP_MAX_ATTEMPTS", default=5)
OTP_PER_PHONE_LIMIT = env.int("OTP_PER_PHONE_LIMIT", default=3)
OTP_PER_PHONE_WINDOW = env.int("OTP_PER_PHONE_WINDOW", default=900)
OTP_PER_IP_LIMIT = env.int("OTP_PER_IP_LIMIT", default=10)
OTP_PER_IP_WINDOW = env.int("OTP_PER_IP_WINDOW", default=900)
# "Finish later" links to a draft claim (claims/services/resume.py): valid this many days,
# at most LIMIT sent per claim per WINDOW seconds; one reminder REMINDER_HOURS after the last.
CLAIM_RESUME_LINK_DAYS = env.int("CLAIM_RESUME_LINK_DAYS", default=7)
CLAIM_RESUME_LINK_LIMIT = env.int("CLAIM_RESUME_LINK_LIMIT", default=3)
CLAIM_RESUME_LINK_WINDOW = env.int("CLAIM_RESUME_LINK_WINDOW", default=3600)
CLAIM_RESUME_REMINDER_HOURS = env.int("CLAIM_RESUME_REMINDER_HOURS", default=24)
CLAIM_RESUME_REMINDER_BATCH = env.int("CLAIM_RESUME_REMINDER_BATCH", default=200)
CELERY_BEAT_SCHEDULE["claims-resume-reminders"] = {
    "task": "claims.tasks.claims_resume_reminders_task",
    "schedule": 300.0,
}
# Claim tokens for the JSON API.
CLAIM_TOKEN_MAX_AGE = env.int("CLAIM_TOKEN_MAX_AGE", default=30 * 24 * 3600)
# Personal data (UU PDP No. 27/2022): a claim closed this many days ago loses its files and
# the claimant's personal fields (privacy/retention.py); the daily sweep takes BATCH.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=730)
PERSONAL_DATA_RETENTION_BATCH = env.int("PERSONAL_DATA_RETENTION_BATCH", default=500)
CELERY_BEAT_SCHEDULE["claims-anonymise-due"] = {
    "task": "privacy.tasks.claims_anonymise_due_task",
    "schedule": crontab(minute=15, hour=19),  # 02:15 WIB, when nobody is at the counter
}
# Behind a proxy, the number of trusted proxies in X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Messages to claimants: one provider per channel, chosen by name (notifications/registry.py):
# "whatsapp" (Cloud API), "twilio", "gateway" (an HTTP SMS gateway); "outbox" and "console"
# for development (nothing leaves the machine). Each is a package in notifications/providers/.
NOTIFICATION_BACKENDS = {
    "whatsapp": env("NOTIFICATION_WHATSAPP_BACKEND", default="outbox"),
    "sms": env("NOTIFICATION_SMS_BACKEND", default="outbox"),
}
NOTIFICATION_DEFAULT_CHANNEL = env("NOTIFICATION_DEFAULT_CHANNEL", default="whatsapp")
# The public address put in messages, so a claimant can tap back to the service.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
CALL_CENTRE_NUMBER = env("CALL_CENTRE_NUMBER", default="175")
# The providers' own settings follow; `manage.py check` reports what a selected one lacks.
NOTIFICATION_HTTP_CONNECT_TIMEOUT = env.float("NOTIFICATION_HTTP_CONNECT_TIMEOUT", default=3.0)
NOTIFICATION_HTTP_READ_TIMEOUT = env.float("NOTIFICATION_HTTP_READ_TIMEOUT", default=10.0)
# Provider 5xx/timeout: retried with exponential back-off and full jitter, then the fallback channel.
NOTIFICATION_MAX_RETRIES = env.int("NOTIFICATION_MAX_RETRIES", default=5)
NOTIFICATION_RETRY_BACKOFF_MAX = env.int("NOTIFICATION_RETRY_BACKOFF_MAX", default=600)
# A message still "sending" this long (the worker died mid-send) is resent with the same
# idempotency key by a beat sweep; after this many provider calls it fails instead.
NOTIFICATION_STUCK_AFTER = env.int("NOTIFICATION_STUCK_AFTER", default=120)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=10)
# Messages written together (a reminder burst) are delivered this many to a task, with up to
# NOTIFICATION_SEND_CONCURRENCY provider calls in flight per worker process (threads doing
# network only: a provider answers in ~100-300 ms, one at a time would be a few per second).
NOTIFICATION_DELIVERY_BATCH = env.int("NOTIFICATION_DELIVERY_BATCH", default=25)
NOTIFICATION_SEND_CONCURRENCY = env.int("NOTIFICATION_SEND_CONCURRENCY", default=8)
NOTIFICATION_WEBHOOK_MAX_BYTES = env.int("NOTIFICATION_WEBHOOK_MAX_BYTES", default=256 * 1024)
WHATSAPP_API_BASE = env("WHATSAPP_API_BASE", default="https://graph.facebook.com")
WHATSAPP_API_VERSION = env("WHATSAPP_API_VERSION", default="v23.0")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_ACCESS_TOKEN = env("WHATSAPP_ACCESS_TOKEN", default="")
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET", default="")
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN", default="")
WHATSAPP_TEMPLATE_LANGUAGE = env("WHATSAPP_TEMPLATE_LANGUAGE", default="id")
# Approved template per message template ("claim_cancelled=lapakasik_batal,…"); otherwise prefix + key.
WHATSAPP_TEMPLATE_NAMES = env.dict("WHATSAPP_TEMPLATE_NAMES", default={})
WHATSAPP_TEMPLATE_PREFIX = env("WHATSAPP_TEMPLATE_PREFIX", default="lapakasik_")
TWILIO_API_BASE = env("TWILIO_API_BASE", default="https://api.twilio.com")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env("TWILIO_FROM", default="")
SMS_GATEWAY_URL_TEMPLATE = env("SMS_GATEWAY_URL_TEMPLATE", default="")
SMS_GATEWAY_METHOD = env("SMS_GATEWAY_METHOD", default="GET")
SMS_GATEWAY_USER = env("SMS_GATEWAY_USER", default="")
SMS_GATEWAY_PASSWORD = env("SMS_GATEWAY_PASSWORD", default="")
SMS_GATEWAY_ID_REGEX = env("SMS_GATEWAY_ID_REGEX", default=r"(?:message_?id|id)\W{1,3}(?P<id>[\w.-]+)")
SMS_GATEWAY_INVALID_REGEX = env("SMS_GATEWAY_INVALID_REGEX", default="")
# Delivery receipts to /notifikasi/sms/gateway/ carry X-Lapakasik-Signature: sha256=HMAC(secret, body).
SMS_GATEWAY_WEBHOOK_SECRET = env("SMS_GATEWAY_WEBHOOK_SECRET", default="")
CELERY_BEAT_SCHEDULE["notifications-reconcile-stuck"] = {
    "task": "notifications.tasks.messages_reconcile_stuck_task",
    "schedule": 60.0,
}

# Video-call interviews and their reminders (interviews/). Times are local to the branch.
# Slot length when a branch has no schedule row (Mon–Fri 08:00–16:00, break 12:00–13:00).
INTERVIEW_SLOT_MINUTES = env.int("INTERVIEW_SLOT_MINUTES", default=20)
# The earliest slot offered is this far ahead, so the claimant can read the message first.
INTERVIEW_MIN_NOTICE_MINUTES = env.int("INTERVIEW_MIN_NOTICE_MINUTES", default=60)
# Days ahead the slot finder looks, and how many free slots a page proposes.
INTERVIEW_BOOKING_HORIZON_DAYS = env.int("INTERVIEW_BOOKING_HORIZON_DAYS", default=21)
INTERVIEW_SLOTS_SHOWN = env.int("INTERVIEW_SLOTS_SHOWN", default=8)
# The claimant's link works until this long after the call ends.
INTERVIEW_LINK_GRACE_MINUTES = env.int("INTERVIEW_LINK_GRACE_MINUTES", default=60)
# No reminders from QUIET_START to QUIET_END local (hours), unless the call is this close.
INTERVIEW_QUIET_START_HOUR = env.int("INTERVIEW_QUIET_START_HOUR", default=21)
INTERVIEW_QUIET_END_HOUR = env.int("INTERVIEW_QUIET_END_HOUR", default=6)
INTERVIEW_QUIET_OVERRIDE_MINUTES = env.int("INTERVIEW_QUIET_OVERRIDE_MINUTES", default=120)
# Reminders the sweep claims per transaction; a claim older than RECLAIM_AFTER seconds (the
# sweep died between claiming and sending) is claimed again, at most MAX_ATTEMPTS times.
INTERVIEW_REMINDER_BATCH = env.int("INTERVIEW_REMINDER_BATCH", default=50)
INTERVIEW_REMINDER_RECLAIM_AFTER = env.int("INTERVIEW_REMINDER_RECLAIM_AFTER", default=300)
INTERVIEW_REMINDER_MAX_ATTEMPTS = env.int("INTERVIEW_REMINDER_MAX_ATTEMPTS", default=3)
# Calls not answered: after this many attempts, or this many days after the first one, the
# officer's page proposes "failed confirmation" (no answer) instead of trying again.
INTERVIEW_MAX_ATTEMPTS = env.int("INTERVIEW_MAX_ATTEMPTS", default=3)
INTERVIEW_ATTEMPT_DAYS = env.int("INTERVIEW_ATTEMPT_DAYS", default=3)

# The managers' dashboard (reports/figures/). Its counts are cached this many seconds per
# scope, filters and period (0: never cached); the weekly summary e-mail goes out on Monday morning.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=120)
DASHBOARD_EMAIL_FROM = env("DASHBOARD_EMAIL_FROM", default="LapakAsik <no-reply@lapakasik.invalid>")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
CELERY_BEAT_SCHEDULE["dashboard-weekly-summary"] = {
    "task": "reports.tasks.dashboard_weekly_summary_task",
    # Monday 00:30 UTC = 07:30 WIB, 08:30 WITA, 09:30 WIT: the week before is complete everywhere.
    "schedule": crontab(minute=30, hour=0, day_of_week=1),
}

# One JSON object a line with the request id (lapakasik/logs.py); "plain" for a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
# /readyz gives each part (database, Redis, storage, clamd) this many seconds to answer.
READY_CHECK_TIMEOUT = env.float("READY_CHECK_TIMEOUT", default=2.0)

"""The embedded default: SQLite, files on disk, background tasks in process."""

from .base import *  # noqa: F403
from .base import LOG_LEVEL, env, logging_config

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-not-secret-3b1f0c8e9a7d4e2f")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
LOGGING = logging_config(fmt=env("LOG_FORMAT", default="plain"), level=LOG_LEVEL)
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
NOTIFICATION_BACKENDS = {
    "whatsapp": env("NOTIFICATION_WHATSAPP_BACKEND", default="console"),
    "sms": env("NOTIFICATION_SMS_BACKEND", default="console"),
}
# No clamd on a laptop: a stand-in that knows only the EICAR test file, so a demo can show
# "virus found". Production refuses it (prod.py).
ANTIVIRUS_BACKEND = env("ANTIVIRUS_BACKEND", default="documents.checks.antivirus.EicarOnlyScanner")

"""Production: refuses to start without its secrets and services."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import NOTIFICATION_BACKENDS, STORAGE_BACKEND, env

for _name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"):
    if not env(_name, default=""):
        raise ImproperlyConfigured(f"{_name} must be set in production.")
if STORAGE_BACKEND != "s3":
    raise ImproperlyConfigured("STORAGE_BACKEND must be s3 in production.")

if env("ANTIVIRUS_BACKEND", default="documents.checks.antivirus.ClamdScanner").endswith("EicarOnlyScanner"):
    raise ImproperlyConfigured("Production scans with clamd: ANTIVIRUS_BACKEND cannot be the EICAR-only stand-in.")

# The outbox and console providers only keep messages for staff to read: in production a
# claimant would never get a code, a reminder or a fix list.
for _channel, _name in NOTIFICATION_BACKENDS.items():
    if _name in ("outbox", "console"):
        raise ImproperlyConfigured(
            f"Production sends real messages: the {_channel} provider cannot be {_name} "
            f"(set NOTIFICATION_WHATSAPP_BACKEND and NOTIFICATION_SMS_BACKEND)."
        )

DEBUG = False
# Throttles and rate counters must be shared by every web process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=env("REDIS_URL")),
    }
}
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

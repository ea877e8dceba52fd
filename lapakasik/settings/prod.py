"""Production: refuses to start without its secrets and services."""

from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import NOTIFICATION_BACKENDS, PUBLIC_BASE_URL, SECRET_KEY, STORAGE_BACKEND, TRUSTED_PROXY_COUNT, env

for _name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"):
    if not env(_name, default=""):
        raise ImproperlyConfigured(f"{_name} must be set in production.")
# Sessions, claim tokens and finish-later links are signed with it: a short key can be
# guessed offline from one signed value.
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be at least 50 characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if SECRET_KEY.startswith("change-me"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is still the placeholder from compose.env.example: set a random one.")

# Every message links back here, and Twilio signs the webhook URL built from it: the
# default (http://127.0.0.1:8000) would send claimants dead links and match no signature.
_public = urlsplit(PUBLIC_BASE_URL)
if not env("PUBLIC_BASE_URL", default="") or _public.scheme != "https" or not _public.hostname:
    raise ImproperlyConfigured(
        "PUBLIC_BASE_URL must be set to the service's https address in production (e.g. https://klaim.example.go.id)."
    )

# The throttles and the staff lockout count per client address (core/throttle.py). With the
# wrong count behind a proxy every claimant shares the proxy's address (too few) or can
# choose their own (too many), so the number is never assumed: 0 only when said so.
if env("TRUSTED_PROXY_COUNT", default="") == "":
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT must be set in production: the number of proxies in front that "
        "append to X-Forwarded-For (0 when clients connect directly)."
    )
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT cannot be negative.")

if STORAGE_BACKEND != "s3":
    raise ImproperlyConfigured("STORAGE_BACKEND must be s3 in production.")

if env("ANTIVIRUS_BACKEND", default="documents.checks.antivirus.ClamdScanner").endswith("EicarOnlyScanner"):
    raise ImproperlyConfigured("Production scans with clamd: ANTIVIRUS_BACKEND cannot be the EICAR-only stand-in.")

# Keys of their own, never derived from DJANGO_SECRET_KEY (core/crypto.py): the full text of
# a message holding a code or a claim link, sealed until delivery (notifications/sealing.py);
# the NIK encrypted at rest; and the blind index that finds it, with a key of its own so
# whoever holds the data keys cannot also test guesses against the index, nor the reverse.
_GENERATE = '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
_seen_keys = {SECRET_KEY}
for _setting in ("NOTIFICATION_SEAL_KEYS", "PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEYS"):
    _keys = env.list(_setting, default=[])
    if not _keys:
        raise ImproperlyConfigured(f"{_setting} is required in production {_GENERATE}.")
    for _key in _keys:
        try:
            Fernet(_key.encode())
        except ValueError:
            raise ImproperlyConfigured(f"{_setting}: each key is 32 url-safe base64 bytes {_GENERATE}.") from None
    if _seen_keys & set(_keys):
        raise ImproperlyConfigured(f"{_setting} must not reuse DJANGO_SECRET_KEY or another setting's key.")
    _seen_keys |= set(_keys)

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
LANGUAGE_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

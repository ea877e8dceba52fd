"""The load test's settings (bench/load.py): the test stack with production's cost per request.

What stays from the test settings: plain HTTP on loopback (no TLS-only cookies), files on
disk, messages kept in the outbox. What comes back from production, because it changes
what every request costs: persistent database connections (the test settings open one per
request), the cache shared through Redis, Django's default password hashing, and static
files from the collected manifest without WhiteNoise's per-request lookups.
"""

from pathlib import Path

from django.conf import global_settings

from .test import *  # noqa: F403
from .test import DATABASES, MEDIA_ROOT, REDIS_URL, STORAGES, env

DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=REDIS_URL),
    }
}
PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
# Collected by bench/load.py beside the run's files (it removes neither: the logs stay too).
STATIC_ROOT = Path(str(MEDIA_ROOT)).parent / "static"
WHITENOISE_AUTOREFRESH = False
WHITENOISE_USE_FINDERS = False

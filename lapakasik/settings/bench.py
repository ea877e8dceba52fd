"""The load test's settings (bench/load.py): the test stack with production's cost per request.

What stays from the test settings: plain HTTP on loopback (no TLS-only cookies), files on
disk, messages kept in the outbox. What comes back from base, because it changes what every
request costs: persistent, health-checked database connections (the test settings replace
DATABASES and so open one per request), Django's default password hashing, and static
files from the collected manifest without WhiteNoise's per-request lookups. The cache is
base's too: bench/load.py sets CACHE_URL to its Redis database.
"""

from pathlib import Path

from django.conf import global_settings

from . import base
from .test import *  # noqa: F403
from .test import DATABASES, MEDIA_ROOT, STORAGES

for _option in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
    DATABASES["default"][_option] = base.DATABASES["default"][_option]
PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
STORAGES = {**STORAGES, "staticfiles": base.STORAGES["staticfiles"]}
# Collected by bench/load.py beside the run's files (it removes neither: the logs stay too).
STATIC_ROOT = Path(str(MEDIA_ROOT)).parent / "static"
WHITENOISE_AUTOREFRESH = False
WHITENOISE_USE_FINDERS = False

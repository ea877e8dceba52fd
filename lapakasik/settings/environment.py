"""Where the settings come from: the process environment (django-environ), and the repository.

Read once, shared by base.py and the topic modules beside it.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Celery's broker and, in production, the cache: every part that needs Redis reads it here.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

"""Settings for the test suite: PostgreSQL by default, as in production."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-secret-5c2a9e7b1d"
DEBUG = False
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/lapakasik")}
# Eager unless a test runs a real worker (tests/worker.py); a separate Redis database.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Unit tests use the EICAR-only stand-in; the antivirus and worker tests start a real
# clamd and switch to ClamdScanner.
ANTIVIRUS_BACKEND = env("ANTIVIRUS_BACKEND", default="documents.checks.antivirus.EicarOnlyScanner")
# django-axes stays on: the staff lockout is tested. Tests log in with client.force_login,
# which goes around authenticate(); a test calling authenticate() passes a request.
AXES_ENABLED = True
# Factories reuse one phone and one address for many claims and messages: the budgets stay
# out of the way, and the tests of the budgets (tests/test_budgets.py) set the limits they test.
CLAIM_CREATE_LIMIT_PER_ADDRESS = CLAIM_CREATE_LIMIT_PER_PHONE = CLAIM_CREATE_LIMIT_PER_NIK = 10**6
MESSAGE_BUDGET_PER_PHONE = MESSAGE_BUDGET_PER_CLAIM = MESSAGE_BUDGET_PER_ADDRESS = 10**6
MESSAGE_BUDGET_GLOBAL_PER_HOUR = 10**7

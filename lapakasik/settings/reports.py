"""The managers' dashboard, and the e-mail its weekly summary goes out by."""

from .environment import BASE_DIR, env  # noqa: F401

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

"""Messages to claimants: the providers by channel, delivery retries, each provider's own settings."""

from .environment import BASE_DIR, env  # noqa: F401

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
# Budgets every outbound message is counted against when written (notifications/budgets.py),
# in the shared cache, per WINDOW seconds: per recipient phone, per claim, per client address
# of the claimant's request that caused it (tasks, sweeps and staff have none), and one
# global hourly budget, which never stops a one-time code or a decision on a claim. A
# message over budget is kept in the outbox, "skipped", with the budget named.
MESSAGE_BUDGET_PER_PHONE = env.int("MESSAGE_BUDGET_PER_PHONE", default=10)
MESSAGE_BUDGET_PER_CLAIM = env.int("MESSAGE_BUDGET_PER_CLAIM", default=15)
MESSAGE_BUDGET_PER_ADDRESS = env.int("MESSAGE_BUDGET_PER_ADDRESS", default=30)
MESSAGE_BUDGET_WINDOW = env.int("MESSAGE_BUDGET_WINDOW", default=3600)
# The global one is a breaker against a runaway, above the designed peak: 1.55 million claims
# a month (ten times 155,000), about ten messages each, mostly in 12 daytime hours and twice
# the mean in the busiest: some 90,000 an hour. (WhatsApp's 80 a second is 288,000.)
MESSAGE_BUDGET_GLOBAL_PER_HOUR = env.int("MESSAGE_BUDGET_GLOBAL_PER_HOUR", default=200000)
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
# Fernet keys (comma separated, newest first) sealing the full text of a message holding a
# code or a claim link until it is delivered (notifications/sealing.py); staff see only the
# redacted body. Empty: a key derived from the secret key (development); prod.py requires it.
NOTIFICATION_SEAL_KEYS = env.list("NOTIFICATION_SEAL_KEYS", default=[])
# WhatsApp's customer-service window: free text is allowed until 24 h after the claimant's last
# message to us (selectors.service_window_open). 15 minutes short of it, so an answer queued
# at the edge is not refused (131047) for a clock that differs from Meta's by a little.
NOTIFICATION_SERVICE_WINDOW = env.int("NOTIFICATION_SERVICE_WINDOW", default=24 * 3600 - 900)
# Twilio 30003 (phone off or out of coverage): the SMS is sent again this many seconds later,
# at most this many times; the number is not marked "not working" for it.
NOTIFICATION_UNREACHABLE_RETRY_AFTER = env.int("NOTIFICATION_UNREACHABLE_RETRY_AFTER", default=3600)
NOTIFICATION_UNREACHABLE_RETRIES = env.int("NOTIFICATION_UNREACHABLE_RETRIES", default=2)
# Twilio 30005 (unknown handset) marks a number "not working" only when a second SMS meets it
# within this many days: one alone is too often a carrier's passing fault.
NOTIFICATION_UNKNOWN_HANDSET_DAYS = env.int("NOTIFICATION_UNKNOWN_HANDSET_DAYS", default=7)
NOTIFICATION_WEBHOOK_MAX_BYTES = env.int("NOTIFICATION_WEBHOOK_MAX_BYTES", default=256 * 1024)
WHATSAPP_API_BASE = env("WHATSAPP_API_BASE", default="https://graph.facebook.com")
WHATSAPP_API_VERSION = env("WHATSAPP_API_VERSION", default="v23.0")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_ACCESS_TOKEN = env("WHATSAPP_ACCESS_TOKEN", default="")
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET", default="")
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN", default="")
# The WhatsApp Business Account owning the templates: `whatsapp_templates sync` reads their review.
WHATSAPP_BUSINESS_ACCOUNT_ID = env("WHATSAPP_BUSINESS_ACCOUNT_ID", default="")
# Each message goes as a template of notifications/catalogue in the claimant's language (id/en),
# named prefix + variant, or as mapped here ("claim_cancelled=lapakasik_batal_v2,…").
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

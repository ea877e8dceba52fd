"""The providers' webhooks, mounted at /notifikasi/ (lapakasik/urls.py).

Each provider that calls us back has its own urls.py, named after the provider
(webhooks:whatsapp, webhooks:twilio, webhooks:gateway); they are collected here rather
than listed, so a new provider brings its own URL.
"""

from .registry import provider_modules

app_name = "webhooks"
urlpatterns = [pattern for module in provider_modules("urls") for pattern in module.urlpatterns]

from django.urls import path

from . import webhook

# Collected into the "webhooks" namespace under /notifikasi/ by notifications/urls.py.
urlpatterns = [path("sms/gateway/", webhook.webhook, name="gateway")]

from django.urls import path

from . import views_webhooks

app_name = "webhooks"
urlpatterns = [
    path("whatsapp/", views_webhooks.whatsapp, name="whatsapp"),
    path("sms/twilio/", views_webhooks.twilio, name="twilio"),
    path("sms/gateway/", views_webhooks.sms_gateway, name="sms_gateway"),
]

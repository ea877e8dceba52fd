"""The outbox (/petugas/pesan/): every WhatsApp/SMS message, within the reader's scope."""

from django.urls import path

from . import views_outbox

urlpatterns = [
    path("", views_outbox.outbox, name="outbox"),
    path("batas/", views_outbox.budgets, name="budgets"),
]

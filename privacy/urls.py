from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("klaim/<str:reference>/ekspor-data/", views.claim_export, name="claim_export"),
]

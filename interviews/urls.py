"""The claimant's interview pages (/wawancara/…): the explainer and the page behind their link."""

from django.urls import path

from . import views

app_name = "interviews"
urlpatterns = [
    path("cara-kerja/", views.how_it_works, name="how_it_works"),
    path("<str:token>/", views.claimant_page, name="claimant"),
    path("<str:token>/konfirmasi/", views.claimant_confirm, name="claimant_confirm"),
    path("<str:token>/telepon/", views.claimant_phone_call, name="claimant_phone_call"),
    path("<str:token>/ubah/", views.claimant_reschedule, name="claimant_reschedule"),
]

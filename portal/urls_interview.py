"""The claimant's interview pages (/wawancara/…): the explainer and the page behind their link."""

from django.urls import path

from . import views_interview as views

urlpatterns = [
    path("cara-kerja/", views.how_it_works, name="interview_how_it_works"),
    path("<str:token>/", views.claimant_page, name="interview"),
    path("<str:token>/konfirmasi/", views.claimant_confirm, name="interview_confirm"),
    path("<str:token>/telepon/", views.claimant_phone_call, name="interview_phone_call"),
    path("<str:token>/ubah/", views.claimant_reschedule, name="interview_reschedule"),
]

"""The assisted channel under /petugas/bantuan/: claims an officer starts for a claimant."""

from django.urls import path

from . import views_assisted

urlpatterns = [
    path("baru/", views_assisted.assisted_start, name="assisted_start"),
    path("<str:reference>/telepon/", views_assisted.assisted_phone, name="assisted_phone"),
]

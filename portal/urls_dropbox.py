"""The dropbox channel seen by the claimant: choosing to send paper copies, and the cover sheet."""

from django.urls import path

from . import views_dropbox

urlpatterns = [
    path("klaim/<str:reference>/dropbox/", views_dropbox.cover_sheet, name="dropbox_cover"),
    path("klaim/<str:reference>/dropbox/pilih/", views_dropbox.offer, name="dropbox_offer"),
]

"""The branch dropbox (/petugas/dropbox/): batches, envelopes and their scans, the unmatched list."""

from django.urls import path

from . import views_dropbox as views
from . import views_dropbox_envelope as envelope_views

urlpatterns = [
    path("", views.home, name="dropbox_home"),
    path("buka/", views.batch_open, name="dropbox_batch_open"),
    path("belum-cocok/", views.unmatched, name="dropbox_unmatched"),
    path("batch/<int:batch_id>/", views.batch, name="dropbox_batch"),
    path("batch/<int:batch_id>/amplop/", views.envelope_add, name="dropbox_envelope_add"),
    path("batch/<int:batch_id>/klaim-baru/", views.batch_new_claim, name="dropbox_batch_new_claim"),
    path("batch/<int:batch_id>/tutup/", views.batch_close, name="dropbox_batch_close"),
    path("amplop/<int:envelope_id>/", envelope_views.envelope, name="dropbox_envelope"),
    path("amplop/<int:envelope_id>/isi/", envelope_views.envelope_contents, name="dropbox_envelope_contents"),
    path("amplop/<int:envelope_id>/pindaian/", envelope_views.envelope_scans, name="dropbox_envelope_scans"),
    path("amplop/<int:envelope_id>/halaman/", envelope_views.envelope_assign, name="dropbox_envelope_assign"),
    path("amplop/<int:envelope_id>/cocokkan/", envelope_views.envelope_match_view, name="dropbox_envelope_match"),
    path("amplop/<int:envelope_id>/klaim-baru/", views.envelope_new_claim, name="dropbox_envelope_new_claim"),
    path(
        "amplop/<int:envelope_id>/selesaikan/",
        envelope_views.envelope_set_aside_view,
        name="dropbox_envelope_set_aside",
    ),
]

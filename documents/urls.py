from django.urls import path

from . import views, views_tus

app_name = "documents"

urlpatterns = [
    path("<uuid:document_id>/berkas/", views.document_file, name="file"),
    path("<uuid:document_id>/gambar-kecil/", views.document_thumbnail, name="thumbnail"),
    # Resumable uploads (tus 1.0) for claimants: documents/views_tus.py.
    path("unggah/", views_tus.tus_create, name="tus_create"),
    path("unggah/<uuid:upload_id>/", views_tus.tus_upload, name="tus_upload"),
]

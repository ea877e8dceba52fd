from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("<uuid:document_id>/berkas/", views.document_file, name="file"),
    path("<uuid:document_id>/gambar-kecil/", views.document_thumbnail, name="thumbnail"),
]

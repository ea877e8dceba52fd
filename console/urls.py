"""The staff console: each part keeps its own URL module."""

from django.urls import include, path

app_name = "console"

urlpatterns = [
    path("", include("console.urls_claims")),
    path("dropbox/", include("console.urls_dropbox")),
    path("bantuan/", include("console.urls_assisted")),
    path("wawancara/", include("console.urls_interviews")),
    path("pesan/", include("console.urls_outbox")),
    path("balasan/", include("console.urls_inbox")),
]

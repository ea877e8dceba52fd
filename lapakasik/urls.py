from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from . import health

handler400 = "lapakasik.faults.bad_request"
handler404 = "lapakasik.faults.page_not_found"
handler500 = "lapakasik.faults.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("portal.urls")),
    path("dokumen/", include("documents.urls")),
    path("notifikasi/", include("notifications.urls")),
    path("petugas/dasbor/", include("reports.urls")),
    path("petugas/", include("privacy.urls")),
    path("petugas/", include("console.urls")),
    path("bahasa/", set_language, name="set_language"),
    path("api/v1/", include("portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]

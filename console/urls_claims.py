"""The queue, one claim's page and its actions, and the audit log (/petugas/…)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("klaim/<str:reference>/", views.claim_page, name="claim"),
    path("klaim/<str:reference>/nik/", views.claim_nik, name="claim_nik"),
    path("klaim/<str:reference>/tangani/", views.claim_take_view, name="claim_take"),
    path("klaim/<str:reference>/lepas/", views.claim_release_view, name="claim_release"),
    path("klaim/<str:reference>/dokumen/", views.claim_review, name="claim_review"),
    path("klaim/<str:reference>/minta-dokumen/", views.claim_request_documents_view, name="claim_request_documents"),
    path("klaim/<str:reference>/setujui/", views.claim_approve_view, name="claim_approve"),
    path("klaim/<str:reference>/tolak/", views.claim_reject_view, name="claim_reject"),
    path("klaim/<str:reference>/batalkan/", views.claim_cancel_view, name="claim_cancel"),
    path("audit/", views.audit, name="audit"),
]

from django.urls import include, path

from . import views, views_claim, views_resume, views_tus

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("klaim/baru/", views.start_programme, name="start_programme"),
    path("klaim/baru/alasan/", views.start_reason, name="start_reason"),
    path("klaim/baru/data-peserta/", views.start_identity, name="start_identity"),
    path("klaim/baru/kontak/", views.start_contact, name="start_contact"),
    path("klaim/baru/ahli-waris/", views.start_heir, name="start_heir"),
    path("klaim/baru/kantor-cabang/", views.start_branch, name="start_branch"),
    path("klaim/baru/kode/", views.start_code, name="start_code"),
    path("klaim/baru/kode/kirim-ulang/", views.start_code_resend, name="start_code_resend"),
    path("klaim/<str:reference>/", views_claim.status, name="status"),
    path("klaim/<str:reference>/lanjutkan/", views_claim.claim_resume, name="resume"),
    path("klaim/<str:reference>/lanjut-nanti/", views_resume.resume_later, name="resume_later"),
    path("klaim/<str:reference>/dokumen/", views_claim.checklist, name="checklist"),
    path("klaim/<str:reference>/dokumen/<slug:type_code>/", views_claim.document_step, name="document"),
    path("klaim/<str:reference>/berkas/<uuid:document_id>/hapus/", views_claim.document_delete, name="document_delete"),
    path("klaim/<str:reference>/kirim/", views_claim.submit, name="submit"),
    path("klaim/<str:reference>/terkirim/", views_claim.submitted, name="submitted"),
    path("klaim/<str:reference>/batalkan/", views_claim.cancel, name="cancel"),
    path("cek-klaim/", views_claim.status_start, name="status_start"),
    path("cek-klaim/kode/", views_claim.status_code, name="status_code"),
    # The "finish later" link sent by WhatsApp/SMS: a signed claim id, nothing personal.
    path("lanjut/<str:token>/", views_resume.resume_open, name="resume_open"),
    # The dropbox channel seen by the claimant (cover sheet, switching a claim to paper).
    path("", include("portal.urls_dropbox")),
    # The video-call interview behind the claimant's link, and what happens on the call.
    path("wawancara/", include("portal.urls_interview")),
    # The claimant chooses the call's time and kind, and saves the branch's number.
    path("jadwal/", include("portal.urls_choose")),
    # Resumable uploads (tus 1.0) for claimants: portal/views_tus.py.
    path("dokumen/unggah/", views_tus.tus_create, name="tus_create"),
    path("dokumen/unggah/<uuid:upload_id>/", views_tus.tus_upload, name="tus_upload"),
]

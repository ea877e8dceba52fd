"""Video calls from a claim (/petugas/wawancara/…): booking, the interview page, its outcomes."""

from django.urls import path

from . import views_interviews

urlpatterns = [
    path("<str:reference>/", views_interviews.interview_page, name="interview"),
    path("<str:reference>/jadwalkan/", views_interviews.interview_book_view, name="interview_book"),
    path("<str:reference>/terkonfirmasi/", views_interviews.interview_confirmed_view, name="interview_confirmed"),
    path("<str:reference>/tidak-diangkat/", views_interviews.interview_no_answer_view, name="interview_no_answer"),
    path("<str:reference>/gagal/", views_interviews.interview_failed_view, name="interview_failed"),
    path("<str:reference>/pindah-jadwal/", views_interviews.interview_move_view, name="interview_move"),
    path("<str:reference>/nomor-hp/", views_interviews.contact_phone_update_view, name="contact_phone_update"),
    path("<str:reference>/lewat-cabang/", views_interviews.contact_via_branch_view, name="contact_via_branch"),
]

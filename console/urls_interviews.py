"""Booking a video call from a claim (/petugas/wawancara/…)."""

from django.urls import path

from . import views_interviews

urlpatterns = [
    path("<str:reference>/jadwalkan/", views_interviews.interview_book_view, name="interview_book"),
]

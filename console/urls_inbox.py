"""The branch's inbox of claimants' replies (/petugas/balasan/), within the reader's scope."""

from django.urls import path

from . import views_inbox

urlpatterns = [
    path("", views_inbox.inbox, name="inbox"),
    path("<int:reply_id>/jawab/", views_inbox.inbox_answer, name="inbox_answer"),
]

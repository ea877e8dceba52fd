"""The claimant chooses the call (/jadwal/…): the link sent when an officer has accepted the documents."""

from django.urls import path

from . import views_choose as views

urlpatterns = [
    path("<str:token>/", views.choose_time, name="choose"),
    path("<str:token>/cara/", views.choose_channel, name="choose_channel"),
    path("<str:token>/selesai/", views.choose_done, name="choose_done"),
    path("<str:token>/kontak.vcf", views.contact_card, name="choose_contact_card"),
]

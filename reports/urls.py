"""The managers' dashboard (/petugas/dasbor/…)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("klaim/", views.dashboard_list, name="dashboard_list"),
    path("klaim.csv", views.dashboard_list_csv, name="dashboard_list_csv"),
    path("tabel.csv", views.dashboard_table_csv, name="dashboard_table_csv"),
]

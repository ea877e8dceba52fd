"""The managers' dashboard (/petugas/dasbor/…)."""

from django.urls import path

from . import views_dashboard

urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
    path("klaim/", views_dashboard.dashboard_list, name="dashboard_list"),
    path("klaim.csv", views_dashboard.dashboard_list_csv, name="dashboard_list_csv"),
    path("tabel.csv", views_dashboard.dashboard_table_csv, name="dashboard_table_csv"),
]

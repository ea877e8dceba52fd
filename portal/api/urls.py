from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("branches/", views.BranchListView.as_view(), name="branch-list"),
    path("claims/", views.ClaimCreateView.as_view(), name="claim-list"),
    path("claims/confirm/", views.ClaimConfirmView.as_view(), name="claim-confirm"),
    path("claims/resend-code/", views.ClaimStartResendView.as_view(), name="claim-start-resend"),
    path("claims/<str:reference>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path("claims/<str:reference>/documents/", views.DocumentCollectionView.as_view(), name="claim-documents"),
    path(
        "claims/<str:reference>/documents/<uuid:document_id>/",
        views.DocumentDetailView.as_view(),
        name="claim-document-detail",
    ),
    path("claims/<str:reference>/submit/", views.ClaimSubmitView.as_view(), name="claim-submit"),
    path("claims/<str:reference>/cancel/", views.ClaimCancelView.as_view(), name="claim-cancel"),
    path("access/code/", views.AccessCodeView.as_view(), name="access-code"),
    path("access/token/", views.AccessTokenView.as_view(), name="access-token"),
]

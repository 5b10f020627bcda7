"""Access logs, case protection, retention review and subject access (included from
casework/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("cases/<str:reference>/access-log/", views.case_access_log, name="case_access_log"),
    path("cases/<str:reference>/protection/", views.case_protection, name="case_protection"),
    path("retention/", views.retention_review, name="retention_review"),
    path("retention/<str:reference>/destroy/", views.retention_destroy, name="retention_destroy"),
    path("people/<int:pk>/subject-access/", views.subject_access, name="subject_access"),
    path("people/<int:pk>/subject-access.pdf", views.subject_access_pdf, name="subject_access_pdf"),
    path(
        "people/<int:pk>/subject-access.json",
        views.subject_access_json,
        name="subject_access_json",
    ),
]

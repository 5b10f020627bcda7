from django.urls import include, path

from . import complaint_views, records_views, triage_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("contacts/new/", views.log_contact, name="log_contact"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/edit/", views.case_edit, name="case_edit"),
    path("cases/<str:reference>/status/", views.case_change_status, name="case_change_status"),
    path("cases/<str:reference>/people/add/", views.case_add_person, name="case_add_person"),
    path(
        "cases/<str:reference>/actions/<slug:action>/",
        complaint_views.complaint_action,
        name="complaint_action",
    ),
    path(
        "cases/<str:reference>/consent/<int:party_id>/",
        complaint_views.record_consent,
        name="record_consent",
    ),
    path(
        "cases/<str:reference>/access-log/",
        records_views.case_access_log,
        name="case_access_log",
    ),
    path(
        "cases/<str:reference>/protection/",
        records_views.case_protection,
        name="case_protection",
    ),
    path("deadlines/", views.deadlines_at_risk, name="deadlines_at_risk"),
    path("retention/", records_views.retention_review, name="retention_review"),
    path(
        "retention/<str:reference>/destroy/",
        records_views.retention_destroy,
        name="retention_destroy",
    ),
    path("people/", views.person_search, name="person_search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("", include("casework.referral_urls")),
    path("", include("casework.letter_urls")),
    path("triage/", triage_views.queue, name="triage_queue"),
    path("triage/<int:pk>/", triage_views.contact_detail, name="triage_contact"),
    path("attachments/<int:pk>/", triage_views.attachment_download, name="contact_attachment"),
    path("people/<int:pk>/subject-access/", records_views.subject_access, name="subject_access"),
    path(
        "people/<int:pk>/subject-access.pdf",
        records_views.subject_access_pdf,
        name="subject_access_pdf",
    ),
    path(
        "people/<int:pk>/subject-access.json",
        records_views.subject_access_json,
        name="subject_access_json",
    ),
]

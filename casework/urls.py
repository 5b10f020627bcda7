from django.urls import include, path

from . import complaint_views, triage_views, views

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
    path("deadlines/", views.deadlines_at_risk, name="deadlines_at_risk"),
    path("people/", views.person_search, name="person_search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("", include("casework.referral_urls")),
    path("", include("casework.letter_urls")),
    path("triage/", triage_views.queue, name="triage_queue"),
    path("triage/<int:pk>/", triage_views.contact_detail, name="triage_contact"),
    path("attachments/<int:pk>/", triage_views.attachment_download, name="contact_attachment"),
]

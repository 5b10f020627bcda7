"""The case screens, and each feature's URLs (all without a namespace: the names are unique)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("contacts/new/", views.log_contact, name="log_contact"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/edit/", views.case_edit, name="case_edit"),
    path("cases/<str:reference>/status/", views.case_change_status, name="case_change_status"),
    path("cases/<str:reference>/people/add/", views.case_add_person, name="case_add_person"),
    path("deadlines/", views.deadlines_at_risk, name="deadlines_at_risk"),
    path("people/", views.person_search, name="person_search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("", include("casework.complaints.urls")),
    path("", include("casework.referrals.urls")),
    path("", include("casework.letters.urls")),
    path("", include("casework.triage.urls")),
    path("", include("casework.records.urls")),
]

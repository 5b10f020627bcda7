from django.urls import path

from . import triage_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("contacts/new/", views.log_contact, name="log_contact"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/edit/", views.case_edit, name="case_edit"),
    path("cases/<str:reference>/status/", views.case_change_status, name="case_change_status"),
    path("cases/<str:reference>/people/add/", views.case_add_person, name="case_add_person"),
    path("people/", views.person_search, name="person_search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("triage/", triage_views.queue, name="triage_queue"),
    path("triage/<int:pk>/", triage_views.contact_detail, name="triage_contact"),
    path("attachments/<int:pk>/", triage_views.attachment_download, name="contact_attachment"),
]

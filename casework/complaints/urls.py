"""The statutory complaint's action pages (included from casework/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "cases/<str:reference>/actions/<slug:action>/",
        views.complaint_action,
        name="complaint_action",
    ),
    path(
        "cases/<str:reference>/consent/<int:party_id>/",
        views.record_consent,
        name="record_consent",
    ),
]

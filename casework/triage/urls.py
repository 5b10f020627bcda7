"""The triage queue (included from casework/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("triage/", views.queue, name="triage_queue"),
    path("triage/<int:pk>/", views.contact_detail, name="triage_contact"),
    path("attachments/<int:pk>/", views.attachment_download, name="contact_attachment"),
]

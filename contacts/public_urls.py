from django.urls import path

from . import public_views

urlpatterns = [
    path("", public_views.feedback, name="public_feedback"),
    path("sent/", public_views.feedback_done, name="public_feedback_done"),
]

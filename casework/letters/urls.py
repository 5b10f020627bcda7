from django.urls import path

from . import views

urlpatterns = [
    path("cases/<str:reference>/letters/new/", views.letter_new, name="letter_new"),
    path(
        "cases/<str:reference>/letters/<int:pk>/pdf/",
        views.letter_download,
        name="letter_download",
    ),
    path(
        "cases/<str:reference>/letters/<int:pk>/sent/",
        views.letter_mark_sent,
        name="letter_mark_sent",
    ),
]

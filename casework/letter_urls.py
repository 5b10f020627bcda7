from django.urls import path

from . import letter_views

urlpatterns = [
    path("cases/<str:reference>/letters/new/", letter_views.letter_new, name="letter_new"),
    path(
        "cases/<str:reference>/letters/<int:pk>/pdf/",
        letter_views.letter_download,
        name="letter_download",
    ),
    path(
        "cases/<str:reference>/letters/<int:pk>/sent/",
        letter_views.letter_mark_sent,
        name="letter_mark_sent",
    ),
]

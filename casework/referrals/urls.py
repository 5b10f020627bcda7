"""URLs for referrals and the organisation pages (included from casework/urls.py)."""

from django.urls import path

from contacts import lookup_views

from . import organisation_views, views

urlpatterns = [
    path("referrals/", views.referral_register, name="referral_register"),
    path("cases/<str:reference>/referrals/new/", views.referral_new, name="referral_new"),
    path(
        "cases/<str:reference>/referrals/<int:pk>/",
        views.referral_detail,
        name="referral_detail",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/consent/",
        views.referral_consent,
        name="referral_consent",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/send/",
        views.referral_send,
        name="referral_send",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/acknowledgement/",
        views.referral_acknowledge,
        name="referral_acknowledge",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/response/",
        views.referral_response,
        name="referral_response",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/close/",
        views.referral_close,
        name="referral_close",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/files/<str:kind>/",
        views.referral_file,
        name="referral_file",
    ),
    path(
        "cases/<str:reference>/commissioner-decision/",
        views.commissioner_decision,
        name="commissioner_decision",
    ),
    path(
        "cases/<str:reference>/organisations/",
        views.involved_bodies,
        name="involved_bodies",
    ),
    path(
        "cases/<str:reference>/organisations/coordinated-response/",
        views.coordinated_response_file,
        name="coordinated_response_file",
    ),
    path("organisations/", organisation_views.organisation_list, name="organisation_list"),
    # The autocomplete behind every organisation field (contacts.fields.OrganisationField).
    path("organisations/lookup/", lookup_views.organisation_lookup, name="organisation_lookup"),
    path(
        "organisations/<int:pk>/",
        organisation_views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<int:pk>/complaints-contact/",
        organisation_views.organisation_contact_edit,
        name="organisation_contact_edit",
    ),
]

"""URLs for referrals and the organisation pages (included from casework/urls.py)."""

from django.urls import path

from contacts import lookup_views

from . import organisation_views, referral_views

urlpatterns = [
    path("referrals/", referral_views.referral_register, name="referral_register"),
    path("cases/<str:reference>/referrals/new/", referral_views.referral_new, name="referral_new"),
    path(
        "cases/<str:reference>/referrals/<int:pk>/",
        referral_views.referral_detail,
        name="referral_detail",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/consent/",
        referral_views.referral_consent,
        name="referral_consent",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/send/",
        referral_views.referral_send,
        name="referral_send",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/acknowledgement/",
        referral_views.referral_acknowledge,
        name="referral_acknowledge",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/response/",
        referral_views.referral_response,
        name="referral_response",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/close/",
        referral_views.referral_close,
        name="referral_close",
    ),
    path(
        "cases/<str:reference>/referrals/<int:pk>/files/<str:kind>/",
        referral_views.referral_file,
        name="referral_file",
    ),
    path(
        "cases/<str:reference>/commissioner-decision/",
        referral_views.commissioner_decision,
        name="commissioner_decision",
    ),
    path(
        "cases/<str:reference>/organisations/",
        referral_views.involved_bodies,
        name="involved_bodies",
    ),
    path(
        "cases/<str:reference>/organisations/coordinated-response/",
        referral_views.coordinated_response_file,
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

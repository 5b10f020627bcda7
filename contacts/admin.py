"""Administrators keep the organisations directory here. People and contacts are case data:
they are worked in the casework screens, where role and team scoping apply, not in the admin."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "ods_code", "org_type", "is_independent_contractor", "closed_on")
    list_filter = ("org_type", "is_independent_contractor")
    search_fields = ("name", "ods_code", "postcode")
    autocomplete_fields = ("parent",)
    fieldsets = (
        (None, {"fields": ("ods_code", "name", "org_type", "is_independent_contractor", "parent")}),
        ("Address", {"fields": ("address", "postcode", "telephone")}),
        (
            "Complaints contact",
            {
                "fields": (
                    "complaints_contact_name",
                    "complaints_contact_email",
                    "complaints_contact_address",
                )
            },
        ),
        ("Status", {"fields": ("opened_on", "closed_on")}),
    )

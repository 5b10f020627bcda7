"""Administrators keep the organisations directory here. People and contacts are case data:
they are worked in the casework screens, where role and team scoping apply, not in the admin."""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation
from .ods import FORMATS, import_organisations

# Large enough for the national epraccur file (about 3 MB), small enough to refuse a mistake.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class OdsUploadForm(forms.Form):
    format = forms.ChoiceField(
        label="Which ODS file is it?",
        choices=[(name, f"{f.description} ({name})") for name, f in FORMATS.items()],
        error_messages={"required": "Choose which ODS file this is"},
    )
    file = forms.FileField(
        label="The ODS CSV file",
        help_text="As published, with no header row, for example epraccur.csv",
        error_messages={"required": "Choose the file to upload"},
    )
    strict = forms.BooleanField(label="Write nothing if any row is rejected", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB; is it the right file?")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Upload the CSV file itself (its name ends in .csv)")
        return upload


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    change_list_template = "admin/contacts/organisation/change_list.html"
    list_display = ("name", "ods_code", "org_type", "is_independent_contractor", "closed_on")
    list_filter = ("org_type", "is_independent_contractor")
    search_fields = ("name", "ods_code", "postcode")
    autocomplete_fields = ("parent",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "ods_code",
                    "name",
                    "org_type",
                    "is_independent_contractor",
                    "parent",
                    "parent_ods_code",
                )
            },
        ),
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

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="contacts_organisation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload an ODS file and see the same summary the command prints."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = OdsUploadForm(request.POST or None, request.FILES or None)
        summary = None
        if request.method == "POST" and form.is_valid():
            summary = import_organisations(
                form.cleaned_data["file"].read(),
                form.cleaned_data["format"],
                by=request.user,
                strict=form.cleaned_data["strict"],
            )
        return TemplateResponse(
            request,
            "admin/contacts/organisation/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Import organisations from an ODS file",
                "form": form,
                "summary": summary,
            },
        )

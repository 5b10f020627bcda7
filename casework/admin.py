"""Administrators manage teams and the coded lists (KO41 subjects, service areas, staff
groups) and the wording of letters here. Cases (and their letters) are worked in the casework
screens, never edited in the admin."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from casework.letters.models import LetterTemplate
from core.history import stamp_reason

from .letters.forms import LetterTemplateAdminForm
from .models import ServiceArea, StaffGroup, Subject, Team


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_active")
    filter_horizontal = ("members",)
    search_fields = ("name",)


class CodedItemAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "is_active", "position")
    list_editable = ("is_active", "position")
    list_filter = ("is_active",)
    search_fields = ("name", "code")


admin.site.register(Subject, CodedItemAdmin)
admin.site.register(ServiceArea, CodedItemAdmin)
admin.site.register(StaffGroup, CodedItemAdmin)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(SimpleHistoryAdmin):
    """Administrators edit the wording of letters here without a deploy. Templates are never
    deleted (letters point at the one they were made from): switch one off instead."""

    form = LetterTemplateAdminForm
    list_display = ("name", "kind", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "body")
    fields = ("kind", "name", "is_active", "body", "change_reason")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        stamp_reason(obj, request.user, form.cleaned_data["change_reason"])
        super().save_model(request, obj, form, change)


# Administrators reset a lost authenticator here (delete the device; the user enrols again).
# The stock django-otp admin would also show each user's secret key and QR code to any
# administrator, letting them generate that user's codes, so it is replaced by this one.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceResetAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "last_used_at")
    fields = ("user", "name", "confirmed", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__username", "user__first_name", "user__last_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

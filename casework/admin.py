"""Administrators manage teams and the coded lists (KO41 subjects, service areas, staff
groups) here. Cases are worked in the casework screens, never edited in the admin."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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

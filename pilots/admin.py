"""Pilot projects in the back office: to look up and to read their history, not to edit.

Their writes have rules only the services know: who may lead and invite, the CPR guard on
the free text, results written before they are shared, the invitation e-mails.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import KKRScopedAdmin, ReadOnlyMixin
from pilots.models import PilotParticipation, PilotProject


class PilotParticipationInline(ReadOnlyMixin, admin.TabularInline):
    model = PilotParticipation
    fields = ["municipality", "status", "invited_by", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0


@admin.register(PilotProject)
class PilotProjectAdmin(KKRScopedAdmin, ReadOnlyMixin, SimpleHistoryAdmin):
    kkr_lookup = "lead_municipality__kkr_id"
    list_display = ["title", "initiative", "lead_municipality", "status", "results_published"]
    list_filter = [
        "status",
        "results_published",
        ("initiative__framework", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "description", "results", "lead_municipality__name"]
    list_select_related = ["initiative", "lead_municipality"]
    inlines = [PilotParticipationInline]


@admin.register(PilotParticipation)
class PilotParticipationAdmin(KKRScopedAdmin, ReadOnlyMixin, SimpleHistoryAdmin):
    kkr_lookup = "project__lead_municipality__kkr_id"
    list_display = ["project", "municipality", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["project__title", "municipality__name"]
    list_select_related = ["project", "municipality"]

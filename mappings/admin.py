from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import KKRScopedAdmin
from mappings.models import (
    Challenge,
    Mapping,
    MappingDocument,
    Milestone,
    Party,
    ProcessPlan,
    SteeringGroup,
    Track,
)


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


class ChallengeInline(admin.TabularInline):
    model = Challenge
    extra = 0


@admin.register(Mapping)
class MappingAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "kkr_id"
    list_display = ["title", "kkr", "terms_approved_on", "presented_on"]
    list_filter = [("kkr", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "terms_of_reference", "summary"]
    list_select_related = ["kkr"]
    filter_horizontal = ["studied_municipalities"]
    inlines = [TrackInline, ChallengeInline]


@admin.register(Track)
class TrackAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "mapping__kkr_id"
    list_display = ["name", "mapping", "order"]
    list_select_related = ["mapping"]


@admin.register(Challenge)
class ChallengeAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "mapping__kkr_id"
    list_display = ["text", "kind", "mapping"]
    list_filter = ["kind"]
    list_select_related = ["mapping"]


@admin.register(MappingDocument)
class MappingDocumentAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "mapping__kkr_id"
    list_display = ["original_name", "mapping", "size", "created_at"]
    list_select_related = ["mapping"]


@admin.register(SteeringGroup)
class SteeringGroupAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "kkr_id"
    list_display = ["short_name", "name", "kkr"]
    list_filter = [("kkr", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["kkr"]


@admin.register(Party)
class PartyAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "kkr_id"
    list_display = ["name", "kkr", "order"]
    list_filter = [("kkr", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["kkr"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["date", "title", "status", "framework"]
    extra = 0
    show_change_link = True


@admin.register(ProcessPlan)
class ProcessPlanAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "mapping__kkr_id"
    list_display = ["title", "mapping", "requested_on"]
    list_select_related = ["mapping"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "plan__mapping__kkr_id"
    list_display = ["title", "date", "status", "plan", "framework"]
    list_filter = ["status"]
    list_select_related = ["plan", "framework"]
    filter_horizontal = ["owners", "involved"]

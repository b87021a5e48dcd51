"""Meetings in the back office. Staff who are not superusers see the groups, meetings,
proposals and attachments of the KKRs they administer (core/admin.py); the groups of an
organisation outside the KKRs (KL's dialogue group, seed 003) and the organisations themselves
are the superusers' to keep: their secretariats work in the portal's own meeting pages."""

from django.contrib import admin
from django.db.models import QuerySet
from simple_history.admin import SimpleHistoryAdmin

from core.admin import KKRScopedAdmin, KKRScopedMixin
from meetings.models import (
    AgendaItem,
    AgendaProposal,
    Group,
    GroupMember,
    Meeting,
    MeetingAttachment,
    Organisation,
)


@admin.register(Organisation)
class OrganisationAdmin(KKRScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "secretariat_name"]
    filter_horizontal = ["staff"]

    def scope_queryset(self, queryset: QuerySet, kkr_ids: frozenset[int]) -> QuerySet:
        # Belongs to no KKR: no KKR's staff administer it.
        return queryset.none()


class GroupMemberInline(KKRScopedMixin, admin.TabularInline):
    model = GroupMember
    kkr_lookup = "group__owner_kkr_id"
    fk_name = "group"
    extra = 0
    autocomplete_fields = ["user"]
    exclude = ["appointed_by"]


@admin.register(Group)
class GroupAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "owner_kkr_id"
    list_display = ["name", "owner_kkr", "owner_organisation", "kkr_seats"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GroupMemberInline]


class AgendaItemInline(KKRScopedMixin, admin.StackedInline):
    model = AgendaItem
    kkr_lookup = "meeting__group__owner_kkr_id"
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "group__owner_kkr_id"
    list_display = ["title", "group", "date", "starts_at", "place", "status"]
    list_filter = [("group", admin.RelatedOnlyFieldListFilter), "status"]
    date_hierarchy = "date"
    inlines = [AgendaItemInline]


@admin.register(AgendaProposal)
class AgendaProposalAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "meeting__group__owner_kkr_id"
    list_display = ["title", "meeting", "proposed_by", "status"]
    list_filter = ["status"]


@admin.register(MeetingAttachment)
class MeetingAttachmentAdmin(KKRScopedAdmin, admin.ModelAdmin):
    kkr_lookup = "meeting__group__owner_kkr_id"
    list_display = ["original_name", "meeting", "size", "created_at"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "secretariat_name"]
    filter_horizontal = ["staff"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    fk_name = "group"
    extra = 0
    autocomplete_fields = ["user"]
    exclude = ["appointed_by"]


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "owner_kkr", "owner_organisation", "kkr_seats"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GroupMemberInline]


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "group", "date", "starts_at", "place", "status"]
    list_filter = ["group", "status"]
    date_hierarchy = "date"
    inlines = [AgendaItemInline]


@admin.register(AgendaProposal)
class AgendaProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "meeting", "proposed_by", "status"]
    list_filter = ["status"]


@admin.register(MeetingAttachment)
class MeetingAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "meeting", "size", "created_at"]

"""Rounds and reports in the back office: to look up and to read their history, not to edit.

Every write in reporting goes through its services: opening a round creates the reports,
submitting and approving follow the workflow, and each change bumps the round's results
version that keys the dashboards' cache. An admin form would be a side door around all three.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import KKRScopedAdmin, ReadOnlyMixin
from reporting.models import (
    Attachment,
    PoliticalAnswer,
    PoliticalQuestion,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
)


class PoliticalQuestionInline(ReadOnlyMixin, admin.TabularInline):
    model = PoliticalQuestion
    fields = ["number", "text"]
    extra = 0


class PoliticalAnswerInline(ReadOnlyMixin, admin.StackedInline):
    model = PoliticalAnswer
    fields = ["question", "answer"]
    extra = 0


class ReportEventInline(ReadOnlyMixin, admin.TabularInline):
    model = ReportEvent
    fields = ["at", "action", "actor", "comment"]
    extra = 0


@admin.register(ReportingRound)
class ReportingRoundAdmin(KKRScopedAdmin, ReadOnlyMixin, SimpleHistoryAdmin):
    kkr_lookup = "framework__kkr_id"
    list_display = ["title", "framework", "status", "opens_on", "deadline", "published_at"]
    list_filter = ["status", ("framework", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "slug"]
    list_select_related = ["framework"]
    date_hierarchy = "opens_on"
    inlines = [PoliticalQuestionInline]


@admin.register(Report)
class ReportAdmin(KKRScopedAdmin, ReadOnlyMixin, SimpleHistoryAdmin):
    kkr_lookup = "round__framework__kkr_id"
    list_display = ["municipality", "round", "status", "submitted_at", "reviewed_at", "deadline"]
    list_filter = ["status", ("round", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["municipality__name", "municipality__code", "round__title"]
    list_select_related = ["municipality", "round"]
    inlines = [PoliticalAnswerInline, ReportEventInline]


@admin.register(ReportEntry)
class ReportEntryAdmin(KKRScopedAdmin, ReadOnlyMixin, SimpleHistoryAdmin):
    kkr_lookup = "report__round__framework__kkr_id"
    list_display = ["report", "initiative_code", "initiative_title", "status", "participation"]
    list_filter = [
        "initiative_kind",
        "status",
        ("report__round", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "initiative_code",
        "initiative_title",
        "narrative",
        "report__municipality__name",
    ]
    list_select_related = ["report__municipality", "report__round"]


@admin.register(Attachment)
class AttachmentAdmin(KKRScopedAdmin, ReadOnlyMixin, SimpleHistoryAdmin):
    kkr_lookup = "entry__report__round__framework__kkr_id"
    list_display = ["original_name", "entry", "size", "uploaded_by", "created_at"]
    list_filter = [("entry__report__round", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["original_name", "entry__report__municipality__name"]
    list_select_related = ["entry__report__municipality", "entry__report__round", "uploaded_by"]
    date_hierarchy = "created_at"

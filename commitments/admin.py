from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commitments.models import (
    Framework,
    Initiative,
    InitiativeBlock,
    Method,
    OverarchingGoal,
    StrategicArea,
)
from core.admin import KKRScopedAdmin

# Another KKR's draft frameworks are not even named in a filter.
BY_FRAMEWORK = ("framework", admin.RelatedOnlyFieldListFilter)


class OverarchingGoalInline(admin.TabularInline):
    model = OverarchingGoal
    extra = 0


class StrategicAreaInline(admin.TabularInline):
    model = StrategicArea
    fields = ["number", "title"]
    extra = 0
    show_change_link = True


class InitiativeBlockInline(admin.TabularInline):
    model = InitiativeBlock
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "kkr_id"
    list_display = ["title", "kkr", "status", "adopted_on", "implementation_period"]
    list_filter = ["status", ("kkr", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "subtitle", "introduction"]
    list_select_related = ["kkr"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "adopted_on"
    inlines = [OverarchingGoalInline, StrategicAreaInline]


@admin.register(StrategicArea)
class StrategicAreaAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "framework__kkr_id"
    list_display = ["number", "title", "framework"]
    list_filter = [BY_FRAMEWORK]
    search_fields = ["title", "description"]
    list_select_related = ["framework"]
    inlines = [InitiativeBlockInline]


@admin.register(InitiativeBlock)
class InitiativeBlockAdmin(KKRScopedAdmin, admin.ModelAdmin):
    kkr_lookup = "area__framework__kkr_id"
    list_display = ["__str__", "number", "area"]
    list_filter = [("area__framework", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "area__title"]
    list_select_related = ["area__framework"]


@admin.register(Method)
class MethodAdmin(KKRScopedAdmin, admin.ModelAdmin):
    kkr_lookup = "framework__kkr_id"
    list_display = ["name", "framework"]
    list_filter = [BY_FRAMEWORK]
    search_fields = ["name", "description"]
    list_select_related = ["framework"]


@admin.register(Initiative)
class InitiativeAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "framework__kkr_id"
    list_display = ["code", "title", "kind", "block", "framework"]
    list_filter = [BY_FRAMEWORK, "kind", ("block__area", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "title", "text"]
    list_select_related = ["framework", "block__area"]
    filter_horizontal = ["methods"]
    ordering = ["framework", "block__area__number", "block__number", "kind", "order"]


@admin.register(OverarchingGoal)
class OverarchingGoalAdmin(KKRScopedAdmin, admin.ModelAdmin):
    kkr_lookup = "framework__kkr_id"
    list_display = ["number", "text", "framework"]
    list_filter = [BY_FRAMEWORK]
    search_fields = ["text"]
    list_select_related = ["framework"]

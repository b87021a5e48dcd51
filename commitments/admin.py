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
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kkr", "status", "adopted_on", "implementation_period"]
    list_filter = ["status", "kkr"]
    search_fields = ["title", "subtitle", "introduction"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "adopted_on"
    inlines = [OverarchingGoalInline, StrategicAreaInline]


@admin.register(StrategicArea)
class StrategicAreaAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "framework"]
    list_filter = ["framework"]
    search_fields = ["title", "description"]
    list_select_related = ["framework"]
    inlines = [InitiativeBlockInline]


@admin.register(InitiativeBlock)
class InitiativeBlockAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "area"]
    list_filter = ["area__framework"]
    search_fields = ["title", "area__title"]
    list_select_related = ["area__framework"]


@admin.register(Method)
class MethodAdmin(admin.ModelAdmin):
    list_display = ["name", "framework"]
    list_filter = ["framework"]
    search_fields = ["name", "description"]


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "kind", "block", "framework"]
    list_filter = ["framework", "kind", "block__area"]
    search_fields = ["code", "title", "text"]
    list_select_related = ["framework", "block__area"]
    filter_horizontal = ["methods"]
    ordering = ["framework", "block__area__number", "block__number", "kind", "order"]


@admin.register(OverarchingGoal)
class OverarchingGoalAdmin(admin.ModelAdmin):
    list_display = ["number", "text", "framework"]
    list_filter = ["framework"]
    search_fields = ["text"]

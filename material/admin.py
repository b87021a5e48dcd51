from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from material.models import AgendaPaper, MeetingMaterial


@admin.register(MeetingMaterial)
class MeetingMaterialAdmin(admin.ModelAdmin):
    list_display = ["round", "meeting_date", "job", "created_at"]
    list_select_related = ["round", "job"]
    raw_id_fields = ["round", "job"]


@admin.register(AgendaPaper)
class AgendaPaperAdmin(SimpleHistoryAdmin):
    list_display = ["title", "round", "updated_by", "updated_at"]
    raw_id_fields = ["round", "agenda_item", "updated_by"]

"""The log of automatic reminders in the back office: read only, written by send_reminders."""

from django.contrib import admin

from core.admin import KKRScopedAdmin, ReadOnlyMixin
from notifications.models import ReminderSent


@admin.register(ReminderSent)
class ReminderSentAdmin(KKRScopedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    kkr_lookup = "report__round__framework__kkr_id"
    list_display = ["report", "offset_days", "deadline", "sent_at"]
    list_filter = ["offset_days", ("report__round", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["report__municipality__name", "report__round__title"]
    list_select_related = ["report__municipality", "report__round"]
    date_hierarchy = "sent_at"

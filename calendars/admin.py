from django.contrib import admin

from calendars.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "updated_at"]
    search_fields = ["user__email", "user__full_name"]
    # The token is a key to the user's calendar: administrators see who has one, not the key.
    exclude = ["token"]
    readonly_fields = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "progress_done", "progress_total", "created_by"]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "created_by__email"]
    date_hierarchy = "created_at"
    list_select_related = ["created_by"]
    # Only the status is the administrator's to change (say, failing a job whose worker died).
    readonly_fields = [
        "kind",
        "params",
        "attempts",
        "progress_done",
        "progress_total",
        "message",
        "result",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

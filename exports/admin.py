from django.contrib import admin

from exports.models import ImportFile


@admin.register(ImportFile)
class ImportFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "round", "uploaded_by", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["sha256", "size", "imported_at", "imported_count", "job"]

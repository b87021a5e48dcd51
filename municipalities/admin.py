from django.contrib import admin

from core.admin import KKRScopedAdmin
from municipalities.models import KKR, Municipality


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    fields = ["code", "name", "official_name"]
    extra = 0
    show_change_link = True


@admin.register(KKR)
class KKRAdmin(KKRScopedAdmin, admin.ModelAdmin):
    kkr_lookup = "id"
    list_display = ["name", "region", "slug"]
    search_fields = ["name", "region"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MunicipalityInline]


@admin.register(Municipality)
class MunicipalityAdmin(KKRScopedAdmin, admin.ModelAdmin):
    kkr_lookup = "kkr_id"
    list_display = ["code", "name", "official_name", "kkr"]
    list_filter = [("kkr", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "official_name"]
    list_select_related = ["kkr"]
    ordering = ["code"]

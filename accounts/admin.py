from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from accounts.models import Membership, User
from accounts.services import memberships_changed
from core.admin import KKRScopedAdmin, KKRScopedMixin, admin_kkr_ids

# Only an administrator of every KKR makes administrators or grants Django permissions.
ADMIN_RIGHTS_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _memberships_in(kkr_ids: frozenset[int]) -> Q:
    return Q(kkr_id__in=kkr_ids) | Q(municipality__kkr_id__in=kkr_ids)


class MembershipInline(KKRScopedMixin, admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ["role", "kkr", "municipality"]
    autocomplete_fields = ["municipality"]
    extra = 0

    def scope_queryset(self, queryset: QuerySet[Any], kkr_ids: frozenset[int]) -> QuerySet[Any]:
        return queryset.filter(_memberships_in(kkr_ids))


@admin.register(User)
class UserAdmin(KKRScopedAdmin, DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__kkr"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personlige oplysninger"), {"fields": ("full_name",)}),
        (
            _("Rettigheder"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Vigtige datoer"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    inlines = [MembershipInline]

    def scope_queryset(self, queryset: QuerySet[Any], kkr_ids: frozenset[int]) -> QuerySet[Any]:
        """Users with a membership in the KKRs (or their municipalities); one row each."""
        holders = Membership.objects.filter(_memberships_in(kkr_ids)).values("user_id")
        return queryset.filter(pk__in=holders)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The memberships inline is a write of memberships like any other."""
        super().save_related(request, form, formsets, change)
        memberships_changed(user_id=form.instance.pk)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = super().get_readonly_fields(request, obj)
        if admin_kkr_ids(request) is None:
            return readonly
        return (*readonly, *ADMIN_RIGHTS_FIELDS)


@admin.register(Membership)
class MembershipAdmin(KKRScopedAdmin, admin.ModelAdmin):
    list_display = ["user", "role", "kkr", "municipality"]
    list_filter = ["role", "kkr", "municipality__kkr"]
    search_fields = ["user__email", "user__full_name", "municipality__name", "kkr__name"]
    list_select_related = ["user", "kkr", "municipality"]
    autocomplete_fields = ["user", "municipality"]

    def scope_queryset(self, queryset: QuerySet[Any], kkr_ids: frozenset[int]) -> QuerySet[Any]:
        return queryset.filter(_memberships_in(kkr_ids))

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        previous = Membership.objects.filter(pk=obj.pk).values_list("user_id", flat=True).first()
        super().save_model(request, obj, form, change)
        memberships_changed(user_id=obj.user_id)
        if previous is not None and previous != obj.user_id:
            memberships_changed(user_id=previous)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        super().delete_model(request, obj)
        memberships_changed(user_id=obj.user_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        user_ids = set(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        for user_id in user_ids:
            memberships_changed(user_id=user_id)

"""The back office's shared pieces: rows scoped to the KKRs a user administers, read-only pages.

A superuser administers every KKR. Anyone else whom a superuser lets into the admin (staff
with model permissions) sees and changes only the rows of the KKRs whose secretariat they are
in: the lists, the choices of related rows, and every object page, where another KKR's row
answers 404 like a missing one. The rule belongs to `accounts` (which KKRs a user
administers); core imports no app, so `settings.ADMIN_KKR_SCOPE` names that function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    # The mixins are only ever combined with ModelAdmin or InlineModelAdmin.
    from django.contrib.admin.options import BaseModelAdmin

    _AdminBase = BaseModelAdmin[Any]
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = _ModelAdminBase = object


def admin_kkr_ids(request: HttpRequest) -> frozenset[int] | None:
    """The KKRs whose rows the request's user administers; None means every KKR."""
    scope = import_string(settings.ADMIN_KKR_SCOPE)
    return scope(request.user)


class KKRScopedMixin(_AdminBase):
    """Rows, and choices of related rows, only from the KKRs the user administers.

    For a ModelAdmin or an inline."""

    # The lookup from a row to its KKR's id, e.g. "framework__kkr_id".
    kkr_lookup: ClassVar[str]

    def scope_queryset(self, queryset: QuerySet[Any], kkr_ids: frozenset[int]) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.kkr_lookup}__in": kkr_ids})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        kkr_ids = admin_kkr_ids(request)
        return queryset if kkr_ids is None else self.scope_queryset(queryset, kkr_ids)

    def get_field_queryset(self, db: str | None, db_field: Any, request: HttpRequest) -> Any:
        """A related row to choose (a municipality, a framework, a user) comes from its own
        admin's scoped rows, so a form can never point into another KKR."""
        related = db_field.remote_field.model
        if self.admin_site.is_registered(related):
            related_admin = self.admin_site.get_model_admin(related)
            if isinstance(related_admin, KKRScopedMixin):
                return related_admin.get_queryset(request).using(db)
        return super().get_field_queryset(db, db_field, request)


class KKRScopedAdmin(KKRScopedMixin, _ModelAdminBase):
    """A ModelAdmin mixin: the scoped rows, and object-level checks on every object page.

    The history pages of django-simple-history find a row outside the scoped list among its
    historical records, so the object-level checks are what refuses them (403)."""

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Model:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another KKR's row answers like a missing one (the admin would redirect).
            raise Http404
        return obj

    def administers(self, request: HttpRequest, obj: Model | None) -> bool:
        if obj is None or admin_kkr_ids(request) is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_view_permission(request, obj) and self.administers(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and self.administers(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self.administers(request, obj)


class ReadOnlyMixin(_AdminBase):
    """Shown, never written: the app's writes have rules that only its services know (the
    workflow of a report, the cache version of a round, the e-mail of an invitation)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

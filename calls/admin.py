"""Calls in the back office, each with its history; merges and the origins of a framework's
initiatives are shown, never written: only calls.services.conversion knows their rules. Staff
who are not superusers see the calls of the KKRs they administer only (core/admin.py)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from calls.models import (
    Call,
    CallReminder,
    CallTheme,
    MergedInitiative,
    Proposal,
    ProposalInitiative,
    ProposalOrigin,
)
from core.admin import KKRScopedAdmin, KKRScopedMixin, ReadOnlyMixin, admin_kkr_ids


class CallThemeInline(KKRScopedMixin, admin.TabularInline):
    model = CallTheme
    kkr_lookup = "call__kkr_id"
    extra = 0


@admin.register(Call)
class CallAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "kkr_id"
    list_display = ["title", "kkr", "status", "deadline"]
    list_filter = ["status", ("kkr", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]
    filter_horizontal = ["addressees"]
    inlines = [CallThemeInline]


class ProposalInitiativeInline(KKRScopedMixin, admin.StackedInline):
    model = ProposalInitiative
    kkr_lookup = "proposal__call__kkr_id"
    extra = 0

    def get_field_queryset(self, db: str | None, db_field: Any, request: HttpRequest) -> Any:
        """A call's themes have no admin of their own to scope them: the KKRs' calls do."""
        if db_field.name == "theme":
            kkr_ids = admin_kkr_ids(request)
            themes = CallTheme.objects.using(db)
            return themes if kkr_ids is None else themes.filter(call__kkr_id__in=kkr_ids)
        return super().get_field_queryset(db, db_field, request)


@admin.register(Proposal)
class ProposalAdmin(KKRScopedAdmin, SimpleHistoryAdmin):
    kkr_lookup = "call__kkr_id"
    list_display = ["call", "author", "status", "submitted_at"]
    list_filter = ["status"]
    inlines = [ProposalInitiativeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Proposal]:
        # A draft is its author's own, in the admin too.
        return super().get_queryset(request).exclude(status=Proposal.Status.DRAFT)

    def get_history_queryset(
        self, request: HttpRequest, history_manager: Any, pk_name: str, object_id: Any
    ) -> QuerySet[Any]:
        """A proposal's history begins when it was submitted, as on the call's history page
        (decision 26); a draft has none, and its history page answers 404."""
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        submitted_at = (
            self.get_queryset(request)
            .filter(**{pk_name: object_id})
            .values_list("submitted_at", flat=True)
            .first()
        )
        if submitted_at is None:
            return records.none()
        return records.filter(history_date__gte=submitted_at)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if (
            not self.get_history_queryset(request, Proposal.history, "id", object_id)
            .filter(history_id=version_id)
            .exists()
        ):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(MergedInitiative)
class MergedInitiativeAdmin(KKRScopedAdmin, ReadOnlyMixin, SimpleHistoryAdmin):
    kkr_lookup = "call__kkr_id"
    list_display = ["text", "call", "kind", "merged_by", "created_at"]
    list_filter = ["kind", ("call", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "comment"]
    list_select_related = ["call", "merged_by"]


@admin.register(ProposalOrigin)
class ProposalOriginAdmin(KKRScopedAdmin, ReadOnlyMixin, SimpleHistoryAdmin):
    kkr_lookup = "initiative__framework__kkr_id"
    list_display = ["initiative", "source", "created_by", "created_at"]
    list_filter = [("initiative__framework", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["initiative__code", "initiative__title", "source__text"]
    list_select_related = ["initiative__framework", "source__proposal__call", "created_by"]


@admin.register(CallReminder)
class CallReminderAdmin(KKRScopedAdmin, admin.ModelAdmin):
    kkr_lookup = "call__kkr_id"
    list_display = ["call", "user", "created_at"]

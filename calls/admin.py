from django.contrib import admin

from calls.models import Call, CallReminder, CallTheme, Proposal, ProposalInitiative


class CallThemeInline(admin.TabularInline):
    model = CallTheme
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "kkr", "status", "deadline"]
    list_filter = ["status", "kkr"]
    search_fields = ["title"]
    filter_horizontal = ["addressees"]
    inlines = [CallThemeInline]


class ProposalInitiativeInline(admin.StackedInline):
    model = ProposalInitiative
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["call", "author", "status", "submitted_at"]
    list_filter = ["status"]
    inlines = [ProposalInitiativeInline]

    def get_queryset(self, request):
        # A draft is its author's own, in the admin too.
        return super().get_queryset(request).exclude(status=Proposal.Status.DRAFT)


@admin.register(CallReminder)
class CallReminderAdmin(admin.ModelAdmin):
    list_display = ["call", "user", "created_at"]

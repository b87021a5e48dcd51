"""The user admin gains two actions: export a person's data, anonymise a departed user."""

import json

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.admin import UserAdmin
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import is_administrator
from privacy import permissions, services


class PrivacyUserAdmin(UserAdmin):
    actions = ["export_personal_data", "anonymise_users"]

    def has_export_permission(self, request: AuthenticatedHttpRequest) -> bool:
        return permissions.can_export_user_data(request.user, request.user)

    def has_anonymise_permission(self, request: AuthenticatedHttpRequest) -> bool:
        return is_administrator(request.user)

    @admin.action(description=gettext_lazy("Eksportér persondata (JSON)"), permissions=["export"])
    def export_personal_data(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse:
        users = [user for user in queryset if permissions.can_export_user_data(request.user, user)]
        data = [services.user_export(user=user) for user in users]
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        name = f"persondata-{users[0].pk}.json" if len(users) == 1 else "persondata.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @admin.action(
        description=gettext_lazy("Anonymisér valgte fratrådte brugere"),
        permissions=["anonymise"],
    )
    def anonymise_users(self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]):
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "privacy/user_anonymise_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Anonymisér brugere"),
                    "users": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        done = 0
        for user in queryset:
            try:
                services.user_anonymise(actor=request.user, user=user)
            except (ValidationError, PermissionDenied) as refusal:
                messages.error(request, f"{user}: {' '.join(_messages(refusal))}")
            else:
                done += 1
        if done:
            message = ngettext(
                "%(count)d bruger er anonymiseret.", "%(count)d brugere er anonymiseret.", done
            )
            messages.success(request, message % {"count": done})
        return None


def _messages(refusal: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(refusal, ValidationError):
        return refusal.messages
    return [str(refusal)]


admin.site.unregister(User)
admin.site.register(User, PrivacyUserAdmin)

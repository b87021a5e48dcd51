"""Template context for every page: the organisations the signed-in user acts for."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import Membership


def organisations(request: HttpRequest) -> dict:
    def memberships() -> list[Membership]:
        if not request.user.is_authenticated:
            return []
        return list(
            Membership.objects.filter(user=request.user).select_related("kkr", "municipality")
        )

    return {"user_memberships": SimpleLazyObject(memberships)}

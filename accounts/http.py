"""The request of a page that only signed-in users reach (LoginRequiredMiddleware)."""

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User

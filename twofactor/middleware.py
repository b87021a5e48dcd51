"""No page without the second factor for those who must (or chose to) use one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django_otp import DEVICE_ID_SESSION_KEY

from twofactor.permissions import has_elevated_role
from twofactor.signals import HAS_DEVICE_SESSION_KEY, REQUIRED_SESSION_KEY

# What a signed-in user reaches before the second factor: the second factor itself, signing
# out, the language switch and the load balancer's health pages.
OPEN_NAMESPACES = frozenset({"twofactor"})
OPEN_URL_NAMES = frozenset({"accounts:logout", "set_language", "health", "health_instance"})


def is_verified(request: HttpRequest) -> bool:
    """Did this session pass a second factor (django_otp.login)?"""
    return DEVICE_ID_SESSION_KEY in request.session


class TwoFactorMiddleware:
    """After AuthenticationMiddleware: a user who must use a second factor and has not in
    this session is sent to enter it, or to set one up if they have none.

    Also gives request.user is_verified(), as django-otp's OTPAdminSite asks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            verified = is_verified(request)
            user.is_verified = lambda: verified  # type: ignore[attr-defined]
            if not verified and self._needs_second_factor(request) and not self._open(request):
                return self._redirect(request)
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request: HttpRequest) -> bool:
        session = request.session
        return bool(
            session.get(REQUIRED_SESSION_KEY)
            or session.get(HAS_DEVICE_SESSION_KEY)
            or has_elevated_role(request.user)
        )

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.namespace in OPEN_NAMESPACES or match.view_name in OPEN_URL_NAMES

    @staticmethod
    def _redirect(request: HttpRequest) -> HttpResponse:
        name = (
            "twofactor:verify" if request.session.get(HAS_DEVICE_SESSION_KEY) else "twofactor:setup"
        )
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(name) + (f"?{query}" if query else ""))

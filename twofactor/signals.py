"""At login, what the second-factor check needs is put in the session, once.

The check then runs on every request without a query (the KKR roles come from the scope the
page reads anyway; KL staff and having a device are read here).
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import user_has_device

from twofactor.permissions import requires_two_factor

REQUIRED_SESSION_KEY = "twofactor_required"
HAS_DEVICE_SESSION_KEY = "twofactor_has_device"


@receiver(user_logged_in, dispatch_uid="twofactor.remember_at_login")
def remember_at_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[REQUIRED_SESSION_KEY] = requires_two_factor(user)
    request.session[HAS_DEVICE_SESSION_KEY] = user_has_device(user)

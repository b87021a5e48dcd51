from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Indkaldelser af forslag")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from calls.selectors import initiative_origins
        from calls.signals import remember_calls
        from commitments.origins import register_initiative_origins

        user_logged_in.connect(remember_calls, dispatch_uid="calls.remember_calls")
        register_initiative_origins(initiative_origins)

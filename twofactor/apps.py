from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    name = "twofactor"
    verbose_name = _("Totrinslogin")

    def ready(self) -> None:
        from twofactor import signals  # noqa: F401  (connects the login receiver)

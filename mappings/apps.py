from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingsConfig(AppConfig):
    name = "mappings"
    verbose_name = _("Kortlægning og procesplan")

    def ready(self) -> None:
        from commitments.origins import register_framework_origins
        from mappings.selectors import framework_origins

        register_framework_origins(framework_origins)

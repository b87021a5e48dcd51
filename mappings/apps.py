from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingsConfig(AppConfig):
    name = "mappings"
    verbose_name = _("Kortlægning og procesplan")

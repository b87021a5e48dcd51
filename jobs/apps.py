from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Baggrundsjob")

    def ready(self) -> None:
        # Kinds of job are declared in the apps' tasks.py. A worker imports those modules
        # itself; a web process must too, because without a broker it runs the job in-process.
        autodiscover_modules("tasks")

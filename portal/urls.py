from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from django_otp.admin import OTPAdminSite

from portal import health, views

# The admin asks for a verified second factor (django-otp's documented way to switch the
# default site); it lives under /drift/, not where scanners look for it.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = _("Psykiatriportalen – administration")
admin.site.site_title = _("Psykiatriportalen")
admin.site.index_title = _("Administration")

handler400 = "portal.views.bad_request"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("konto/", include("accounts.urls")),
    path("konto/totrin/", include("twofactor.urls")),
    path("rammer/", include("commitments.urls")),
    path("kommuner/", include("municipalities.urls")),
    path("afrapportering/", include("reporting.urls")),
    path("pilotprojekter/", include("pilots.urls")),
    path("moeder/", include("meetings.urls")),
    path("indkaldelser/", include("calls.urls")),
    path("vejen-til-rammepapiret/", include("mappings.urls")),
    path("", include("notifications.urls")),
    path("kalender/", include("calendars.urls")),
    path("overblik/", include("dashboards.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("exports.urls")),
    path("moedemateriale/", include("material.urls")),
    path("sprog/", login_not_required(set_language), name="set_language"),
    path("drift/", admin.site.urls),
    path("sundhed/", health.health, name="health"),
    path("sundhed/instans/", health.health_instance, name="health_instance"),
]

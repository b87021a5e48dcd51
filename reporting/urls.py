from django.urls import path

from reporting.views import pilots, reports, rounds  # noqa: F401

app_name = "reporting"

# Reports: read, edit, submit, review, history.
report_urls = [
    path("rapporter/<int:pk>/", reports.report_detail, name="report_detail"),
]

# Rounds: create, open, follow up, close, reminders.
round_urls = []

# Pilot projects and "Mine opgaver".
pilot_urls = [
    path("pilotprojekter/", pilots.pilot_list, name="pilot_list"),
    path("pilotprojekter/nyt/", pilots.pilot_create, name="pilot_create"),
    path("pilotprojekter/<int:pk>/", pilots.pilot_detail, name="pilot_detail"),
    path("pilotprojekter/<int:pk>/rediger/", pilots.pilot_edit, name="pilot_edit"),
    path("pilotprojekter/<int:pk>/inviter/", pilots.pilot_invite, name="pilot_invite"),
    path("pilotprojekter/invitationer/<int:pk>/svar/", pilots.pilot_respond, name="pilot_respond"),
    path("mine-opgaver/", pilots.tasks, name="tasks"),
]

urlpatterns = [*report_urls, *round_urls, *pilot_urls]

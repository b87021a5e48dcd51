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
pilot_urls = []

urlpatterns = [*report_urls, *round_urls, *pilot_urls]

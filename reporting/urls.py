from django.urls import path

from reporting.views import pilots, reports, rounds  # noqa: F401

app_name = "reporting"

# Reports: read, edit, submit, review, history.
report_urls = [
    path("rapporter/<int:pk>/", reports.report_detail, name="report_detail"),
    path("rapporter/<int:pk>/rediger/", reports.report_edit, name="report_edit"),
    path("rapporter/<int:pk>/historik/", reports.report_history_view, name="report_history"),
    path("rapporter/<int:pk>/send-retur/", reports.report_return, name="report_return"),
    path("rapporter/<int:pk>/godkend/", reports.report_approve, name="report_approve"),
    path(
        "rapporter/<int:pk>/linjer/<int:entry_pk>/bilag/",
        reports.report_attachment_upload,
        name="report_attachment_upload",
    ),
    path(
        "rapporter/<int:pk>/bilag/<int:attachment_pk>/",
        reports.report_attachment_download,
        name="report_attachment_download",
    ),
    path(
        "rapporter/<int:pk>/bilag/<int:attachment_pk>/slet/",
        reports.report_attachment_delete,
        name="report_attachment_delete",
    ),
]

# Rounds: create, open, follow up, close, reminders.
round_urls = []

# Pilot projects and "Mine opgaver".
pilot_urls = []

urlpatterns = [*report_urls, *round_urls, *pilot_urls]

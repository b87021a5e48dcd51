from django.urls import path

from reporting.views import reports, rounds

app_name = "reporting"

# Reports: read, edit, submit, review, history.
report_urls = [
    path("rapporter/<int:pk>/", reports.report_detail, name="report_detail"),
    path("rapporter/<int:pk>/rediger/", reports.report_edit, name="report_edit"),
    path("rapporter/<int:pk>/indsend/", reports.report_submit, name="report_submit"),
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

# Rounds: create, open, follow up, close, publish.
round_urls = [
    path("runder/", rounds.round_list, name="round_list"),
    path("runder/ny/", rounds.round_create, name="round_create"),
    path(
        "runder/rapport/<int:pk>/forlaeng-frist/",
        rounds.report_extend_deadline_form,
        name="report_extend_deadline_form",
    ),
    path("runder/<slug:slug>/", rounds.round_detail, name="round_detail"),
    path("runder/<slug:slug>/rediger/", rounds.round_edit, name="round_edit"),
    path("runder/<slug:slug>/aabn/", rounds.round_open, name="round_open"),
    path(
        "runder/<slug:slug>/indsendelsesregel/",
        rounds.round_submission_rule,
        name="round_submission_rule",
    ),
    path("runder/<slug:slug>/luk/", rounds.round_close, name="round_close"),
    path("runder/<slug:slug>/genaabn/", rounds.round_reopen, name="round_reopen"),
    path("runder/<slug:slug>/offentliggoer/", rounds.round_publish, name="round_publish"),
    path("runder/<slug:slug>/skjul/", rounds.round_unpublish, name="round_unpublish"),
]

urlpatterns = [*report_urls, *round_urls]

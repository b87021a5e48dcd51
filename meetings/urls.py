from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("grupper/ny/", views.group_create, name="group_create"),
    path("grupper/<slug:slug>/", views.group_detail, name="group_detail"),
    path("grupper/<slug:slug>/rediger/", views.group_edit, name="group_edit"),
    path("grupper/<slug:slug>/udpeg-medlem/", views.member_appoint, name="member_appoint"),
    path("grupper/<slug:slug>/nyt-moede/", views.meeting_create, name="meeting_create"),
    path("medlemmer/<int:pk>/fjern/", views.member_remove, name="member_remove"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/rediger/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/aflys/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/foreslaa-punkt/", views.proposal_create, name="proposal_create"),
    path("<int:pk>/punkter/nyt/", views.item_create, name="item_create"),
    path("<int:pk>/dagsorden/offentliggoer/", views.agenda_publish, name="agenda_publish"),
    path("<int:pk>/referat/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/referat/offentliggoer/", views.minutes_publish, name="minutes_publish"),
    path("<int:pk>/bilag/", views.attachment_upload, name="attachment_upload"),
    path("bilag/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("forslag/<int:pk>/behandl/", views.proposal_decide, name="proposal_decide"),
    path("forslag/<int:pk>/bilag/", views.proposal_attachment, name="proposal_attachment"),
    path("punkter/<int:pk>/rediger/", views.item_edit, name="item_edit"),
    path("punkter/<int:pk>/flyt/", views.item_move, name="item_move"),
    path("punkter/<int:pk>/slet/", views.item_delete, name="item_delete"),
    path("punkter/<int:pk>/dokument/", views.item_document, name="item_document"),
]

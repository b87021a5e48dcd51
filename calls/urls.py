from django.urls import path

from calls import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("ny/", views.call_create, name="call_create"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/rediger/", views.call_edit, name="call_edit"),
    path("<int:pk>/send/", views.call_open, name="call_open"),
    path("<int:pk>/luk/", views.call_close, name="call_close"),
    path("<int:pk>/eksempel/", views.call_example, name="call_example"),
    path("<int:pk>/historik/", views.call_history, name="call_history"),
    path("<int:pk>/saml/", views.call_merge, name="call_merge"),
    path(
        "<int:pk>/saml/<int:merge_pk>/fortryd/",
        views.call_merge_dissolve,
        name="call_merge_dissolve",
    ),
    path("<int:pk>/omsaet/", views.call_convert, name="call_convert"),
    path("<int:pk>/mit-forslag/", views.proposal_edit, name="proposal_edit"),
    path("forslag/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("forslag/<int:pk>/indsend/", views.proposal_submit, name="proposal_submit"),
    path("forslag/<int:pk>/behandl/", views.proposal_review, name="proposal_review"),
    path("indsatser/<int:pk>/rammetekst/", views.framework_text, name="framework_text"),
]

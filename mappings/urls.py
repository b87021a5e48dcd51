from django.urls import path

from mappings import views

app_name = "mappings"
urlpatterns = [
    path("", views.path_index, name="path_index"),
    path("kortlaegning/<int:pk>/", views.mapping_detail, name="mapping_detail"),
    path("kortlaegning/<int:pk>/rediger/", views.mapping_edit, name="mapping_edit"),
    path("kortlaegning/<int:pk>/dokumenter/", views.document_upload, name="document_upload"),
    path("kortlaegning/<int:pk>/procesplan/", views.plan_edit, name="plan_edit"),
    path("dokumenter/<int:pk>/", views.document_download, name="document_download"),
    path("dokumenter/<int:pk>/slet/", views.document_delete, name="document_delete"),
    path("procesplan/<int:pk>/ny-milepael/", views.milestone_create, name="milestone_create"),
    path("milepaele/<int:pk>/rediger/", views.milestone_edit, name="milestone_edit"),
    path("milepaele/<int:pk>/slet/", views.milestone_delete, name="milestone_delete"),
    # A KKR's own pages last: its slug is one path segment, like the words above.
    path("<slug:slug>/", views.path, name="path"),
    path("<slug:slug>/ny-kortlaegning/", views.mapping_create, name="mapping_create"),
    path("<slug:slug>/styregrupper/", views.groups_edit, name="groups_edit"),
]

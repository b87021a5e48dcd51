from django.urls import path

from commitments.views import editor, pages

app_name = "commitments"
urlpatterns = [
    path("", pages.framework_list, name="framework_list"),
    # The editor's own paths come first: "ny" and "importer" are no framework's slug.
    path("ny/", editor.framework_create, name="framework_create"),
    path("importer/", editor.framework_import, name="framework_import"),
    path("<slug:slug>/", pages.framework_detail, name="framework_detail"),
    path("<slug:slug>/fil/", pages.framework_export, name="framework_export"),
    path("<slug:slug>/historik/", editor.framework_history, name="framework_history"),
    path("<slug:slug>/rediger/", editor.framework_editor, name="framework_editor"),
    path("<slug:slug>/rediger/oplysninger/", editor.framework_edit, name="framework_edit"),
    path("<slug:slug>/rediger/omraader/", editor.structure_edit, name="structure_edit"),
    path("<slug:slug>/rediger/metoder/", editor.methods_edit, name="methods_edit"),
    path("<slug:slug>/rediger/flyt/", editor.framework_move, name="framework_move"),
    path("<slug:slug>/rediger/ny-indsats/", editor.initiative_create, name="initiative_create"),
    path("<slug:slug>/hoering/", editor.consultation_open, name="consultation_open"),
    path("<slug:slug>/hoering/afslut/", editor.consultation_close, name="consultation_close"),
    path("<slug:slug>/vedtag/", editor.framework_adopt, name="framework_adopt"),
    path("<slug:slug>/revider/", editor.framework_revise, name="framework_revise"),
    path("<slug:slug>/sammenligning/", pages.framework_compare, name="framework_compare"),
    path(
        "<slug:slug>/indsatser/<str:code>/",
        pages.initiative_detail,
        name="initiative_detail",
    ),
    path(
        "<slug:slug>/indsatser/<str:code>/rediger/",
        editor.initiative_edit,
        name="initiative_edit",
    ),
    path(
        "<slug:slug>/indsatser/<str:code>/slet/",
        editor.initiative_delete,
        name="initiative_delete",
    ),
]

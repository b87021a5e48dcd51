from django.urls import path

from exports import views

app_name = "exports"

# Files of what the pages show: a round, a municipality's own answers.
export_urls = [
    path("eksport/runder/<slug:slug>.xlsx", views.round_xlsx, name="round_xlsx"),
    path("eksport/runder/<slug:slug>.csv", views.round_csv, name="round_csv"),
    path("eksport/kommuner/<str:code>.xlsx", views.municipality_xlsx, name="municipality_xlsx"),
    path("eksport/kommuner/<str:code>.csv", views.municipality_csv, name="municipality_csv"),
]

# Open data: stable addresses without login, for published rounds only.
open_data_urls = [
    path("aabne-data/", views.open_data_list, name="open_data_list"),
    path("aabne-data/skema.json", views.open_data_schema, name="open_data_schema"),
    path("aabne-data/<slug:slug>.csv", views.open_data_csv, name="open_data_csv"),
    path("aabne-data/<slug:slug>.json", views.open_data_json, name="open_data_json"),
]

# The secretariat's bulk import: template, upload, dry run, confirm or discard.
import_urls = [
    path(
        "eksport/runder/<slug:slug>/import/skabelon.xlsx",
        views.import_template,
        name="import_template",
    ),
    path("eksport/runder/<slug:slug>/import/", views.import_upload, name="import_upload"),
    path("eksport/import/<int:pk>/", views.import_preview, name="import_preview"),
    path("eksport/import/<int:pk>/bekraeft/", views.import_confirm, name="import_confirm"),
    path("eksport/import/<int:pk>/status/", views.import_status, name="import_status"),
    path("eksport/import/<int:pk>/kasser/", views.import_discard, name="import_discard"),
]

urlpatterns = [*export_urls, *open_data_urls, *import_urls]

from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/statuskort/", views.heat_map, name="heat_map"),
    path("<slug:slug>/udvikling/", views.trend, name="trend"),
    path("<slug:slug>/nyt/", views.changes, name="changes"),
    path("<slug:slug>/pilotprojekter/", views.pilots, name="pilots"),
    path("<slug:slug>/handout.pdf", views.handout_pdf, name="handout_pdf"),
    path("<slug:slug>/indsatser/<str:code>/", views.initiative, name="initiative"),
    path("<slug:slug>/kommuner/<str:code>/", views.municipality, name="municipality"),
]

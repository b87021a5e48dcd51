from django.urls import path

from material import views

app_name = "material"
urlpatterns = [
    path("<slug:slug>/", views.round_material, name="round_material"),
    path("<slug:slug>/lav/", views.material_start, name="material_start"),
    path("<slug:slug>/moedemateriale.pdf", views.material_download, name="material_download"),
    path("<slug:slug>/dagsordenspunkt/", views.agenda_paper_edit, name="agenda_paper_edit"),
    path("<slug:slug>/dagsordenspunkt.docx", views.agenda_paper_docx, name="agenda_paper_docx"),
]

from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/fremdrift/", views.job_progress, name="job_progress"),
    path("<int:pk>/resultat/", views.job_download, name="job_download"),
]

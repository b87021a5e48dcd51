from django.urls import path

from twofactor import views

app_name = "twofactor"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("opsaet/", views.setup, name="setup"),
    path("reservekoder/", views.backup_codes, name="backup_codes"),
]

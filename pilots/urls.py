from django.urls import path

from pilots import views

app_name = "pilots"
urlpatterns = [
    path("", views.pilot_list, name="pilot_list"),
    path("nyt/", views.pilot_create, name="pilot_create"),
    path("<int:pk>/", views.pilot_detail, name="pilot_detail"),
    path("<int:pk>/rediger/", views.pilot_edit, name="pilot_edit"),
    path("<int:pk>/inviter/", views.pilot_invite, name="pilot_invite"),
    path("invitationer/<int:pk>/svar/", views.pilot_respond, name="pilot_respond"),
]

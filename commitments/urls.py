from django.urls import path

from commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("<slug:slug>/", views.framework_detail, name="framework_detail"),
    path(
        "<slug:slug>/indsatser/<str:code>/",
        views.initiative_detail,
        name="initiative_detail",
    ),
]

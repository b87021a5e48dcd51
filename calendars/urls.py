from django.urls import path

from calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("abonnement/", views.feed_renew, name="feed_renew"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]

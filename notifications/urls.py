from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("mine-opgaver/", views.tasks, name="tasks"),
    path(
        "paamindelser/runder/<slug:slug>/",
        views.round_remind_all,
        name="round_remind_all",
    ),
    path(
        "paamindelser/runder/<slug:slug>/plan/",
        views.round_reminder_plan,
        name="round_reminder_plan",
    ),
    path(
        "paamindelser/runder/<slug:slug>/automatisk/",
        views.round_reminders_switch,
        name="round_reminders_switch",
    ),
    path(
        "paamindelser/rapporter/<int:pk>/",
        views.round_remind_one,
        name="round_remind_one",
    ),
]

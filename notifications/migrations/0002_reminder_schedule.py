"""Send the day's reminders every morning (beat; the schedule is editable in the admin)."""

from django.db import migrations

NAME = "Send dagens påmindelser"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Copenhagen",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "notifications.tasks.send_reminders",
            "crontab": morning,
            "description": "Påmindelser til kommuner, der ikke har indsendt (REMINDER_OFFSETS_DAYS).",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]

"""The Celery application: the mail outbox, the reminder schedule and long jobs.

Workers and beat start with `celery -A portal worker` and `celery -A portal beat`; every
setting is a `CELERY_*` Django setting (portal/settings.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""The Celery app. Workers: `celery -A config worker -B` (beat runs the daily jobs).

With no CELERY_BROKER_URL the settings make every task run eagerly in-process, so the
embedded set-up needs no broker; management commands run the same jobs by hand.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("pals")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

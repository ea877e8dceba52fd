import os

from celery import Celery

from .logs import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lapakasik.settings.dev")

app = Celery("lapakasik")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
connect_celery_signals()

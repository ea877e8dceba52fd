"""Celery: Redis as broker, JSON task arguments (ids only), tasks acknowledged late; the beat schedule."""

from celery.schedules import crontab

from .environment import REDIS_URL, env

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Redis down at upload time: fail the publish fast (the upload stands; a sweep queues it).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The worker logs through LOGGING (JSON, with the request id) instead of Celery's own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Every beat sweep of every app, in one table; only one beat runs, and every sweep is safe
# to run twice anyway.
CELERY_BEAT_SCHEDULE = {
    "documents-requeue-stuck": {"task": "documents.tasks.documents_requeue_stuck_task", "schedule": 60.0},
    "documents-sweep-orphans": {"task": "documents.tasks.documents_sweep_orphans_task", "schedule": 3600.0},
    "documents-sweep-resumable": {"task": "documents.tasks.resumable_uploads_sweep_task", "schedule": 3600.0},
    "interviews-send-reminders": {"task": "interviews.tasks.reminders_send_due_task", "schedule": 60.0},
    "claims-resume-reminders": {"task": "claims.tasks.claims_resume_reminders_task", "schedule": 300.0},
    "claims-starts-purge": {"task": "claims.tasks.claim_starts_purge_task", "schedule": 3600.0},
    "notifications-reconcile-stuck": {"task": "notifications.tasks.messages_reconcile_stuck_task", "schedule": 60.0},
    "claims-expiry": {
        "task": "documents.tasks.claims_expiry_task",
        # 02:00 UTC = 09:00 WIB, 10:00 WITA, 11:00 WIT: nudges arrive in the morning everywhere.
        "schedule": crontab(minute=0, hour=2),
    },
    "interviews-expiry": {
        "task": "interviews.tasks.interviews_expiry_task",
        "schedule": crontab(minute=10, hour=2),  # after the documents' expiry, the same morning hour
    },
    "interviews-auto-book": {
        "task": "interviews.tasks.interviews_auto_book_task",
        # Hourly in office hours everywhere (01:20–10:20 UTC = 08:20–17:20 WIB, 10:20–19:20 WIT):
        # a passed deadline is acted on within the hour, and no booking message arrives at night.
        "schedule": crontab(minute=20, hour="1-10"),
    },
    "claims-anonymise-due": {
        "task": "privacy.tasks.claims_anonymise_due_task",
        "schedule": crontab(minute=15, hour=19),  # 02:15 WIB, when nobody is at the counter
    },
    "dashboard-weekly-summary": {
        "task": "reports.tasks.dashboard_weekly_summary_task",
        # Monday 00:30 UTC = 07:30 WIB, 08:30 WITA, 09:30 WIT: the week before is complete everywhere.
        "schedule": crontab(minute=30, hour=0, day_of_week=1),
    },
}

"""The weekly summary e-mail: last week's figures for each manager, in their own scope.

Sent once per manager and week: the task claims the pair with cache.add (atomic in Redis,
the production cache), so a task delivered twice, or a second beat, sends nothing more.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core.staff import MANAGER_ROLES, is_manager_on_duty

from .dashboard import dashboard_figures
from .definitions import DEFINITIONS
from .periods import monday, week_period
from .scope import Filters

logger = logging.getLogger(__name__)

# Long enough that the same week is never sent again, short enough to clean itself up.
SENT_MARK_SECONDS = 14 * 24 * 3600


def managers_for_summary():
    return User.objects.filter(is_active=True, is_staff=True, role__in=MANAGER_ROLES).exclude(email="").order_by("pk")


def last_week_start(today: dt.date | None = None) -> dt.date:
    return monday(today or timezone.localdate()) - dt.timedelta(weeks=1)


def dashboard_summary_send(*, user: User, week_start: dt.date) -> bool:
    """E-mail ``user`` the figures of the week starting ``week_start``. False when not sent (already
    sent, not a manager any more, no address)."""
    if not (is_manager_on_duty(user) and user.email):
        return False
    mark = f"dashboard:summary-sent:{user.pk}:{week_start.isoformat()}"
    if not cache.add(mark, 1, SENT_MARK_SECONDS):
        return False
    period = week_period(week_start)
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    query = f"?periode=minggu&minggu={week_start.isoformat()}"
    try:
        with translation.override(settings.LANGUAGE_CODE):
            figures = dashboard_figures(user, Filters(), period, sort="ecancel", descending=True, use_cache=False)
            context = {
                "user": user,
                "figures": figures,
                "definitions": DEFINITIONS,
                "dashboard_url": f"{base}{reverse('reports:dashboard')}{query}",
                "flagged": [row for row in figures.rows if row.flags],
            }
            subject = render_to_string("reports/email/weekly_subject.txt", context).strip()
            text = render_to_string("reports/email/weekly.txt", context)
            html = render_to_string("reports/email/weekly.html", context)
        message = EmailMultiAlternatives(subject, text, settings.DASHBOARD_EMAIL_FROM, [user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:
        cache.delete(mark)  # not sent: a retry may send it
        raise
    logger.info("weekly dashboard summary for user %s, week %s sent", user.pk, week_start)
    return True

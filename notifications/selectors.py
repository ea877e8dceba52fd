from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import InboundMessage, MessageChannel, NumberHealth


def service_window_open(phone: str, *, now: datetime | None = None) -> bool:
    """WhatsApp's customer-service window for this number is open: the claimant wrote to us on
    WhatsApp within NOTIFICATION_SERVICE_WINDOW (free text allowed; outside it, templates only).

    Read from the stored replies themselves (InboundMessage.received_at is the claimant's own
    time, services/inbound.py), so there is no second record of the same fact to keep right.
    """
    since = (now or timezone.now()) - timedelta(seconds=settings.NOTIFICATION_SERVICE_WINDOW)
    return InboundMessage.objects.filter(
        from_number=phone, channel=MessageChannel.WHATSAPP, received_at__gte=since
    ).exists()


def number_not_working(phone: str) -> bool:
    """Both channels failed for this number (and nothing reached it since): show it to the officer."""
    return NumberHealth.objects.filter(phone=phone, not_working=True).exists()

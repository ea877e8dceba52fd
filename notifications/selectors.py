from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from . import catalogue
from .models import InboundMessage, MessageChannel, NumberHealth, TemplateReview, TemplateStatus
from .registry import backend_for


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


@dataclass(frozen=True)
class TemplateNotApproved:
    name: str
    language: str
    # A TemplateReview value, or "" when WhatsApp has told us nothing (never synced).
    status: str
    reason: str

    @property
    def status_label(self) -> str:
        return str(TemplateReview(self.status).label) if self.status else ""


def templates_not_approved() -> list[TemplateNotApproved]:
    """The catalogue's WhatsApp templates whose messages go by SMS for want of approval.

    Empty when the WhatsApp provider asks for no approval (development's outbox/console).
    """
    _name, backend = backend_for(MessageChannel.WHATSAPP)
    if not backend.needs_approved_templates:
        return []
    known = {(row.name, row.language): row for row in TemplateStatus.objects.all()}
    missing = []
    for variant in catalogue.variants():
        name = backend.template_name(variant.name)
        for language in catalogue.LANGUAGES:
            row = known.get((name, language))
            if row is None or row.status != TemplateReview.APPROVED:
                missing.append(
                    TemplateNotApproved(
                        name=name,
                        language=language,
                        status=row.status if row else "",
                        reason=row.reason if row else "",
                    )
                )
    return missing

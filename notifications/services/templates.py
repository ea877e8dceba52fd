"""WhatsApp's review of our templates (notifications/catalogue), as sync and the webhook report it."""

import logging

from django.utils import timezone

from ..models import TemplateReview, TemplateStatus

logger = logging.getLogger(__name__)


def template_status_record(*, name: str, language: str, status: str, reason: str = "") -> TemplateStatus | None:
    """Record WhatsApp's latest word on one template in one language; a status we do not know
    (WhatsApp adds some: IN_APPEAL, LIMIT_EXCEEDED…) is logged and kept as not approved."""
    status = status.upper()
    if status not in TemplateReview.values:
        logger.info("whatsapp template %s (%s): status %r kept as not approved", name[:80], language[:8], status[:20])
        status = TemplateReview.PENDING if status in ("IN_APPEAL", "PENDING_DELETION") else TemplateReview.DISABLED
    row, _created = TemplateStatus.objects.update_or_create(
        name=name[:512],
        language=language[:8],
        defaults={"status": status, "reason": (reason or "")[:300], "updated_at": timezone.now()},
    )
    return row


def template_statuses_approved(wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of the (name, language) pairs WhatsApp has approved."""
    if not wanted:
        return set()
    names = {name for name, _language in wanted}
    rows = TemplateStatus.objects.filter(name__in=names, status=TemplateReview.APPROVED)
    return {(row.name, row.language) for row in rows} & wanted

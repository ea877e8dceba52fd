"""Reading a message as its claimant gets it, not as staff see it (notifications/sealing.py)."""

from notifications import catalogue
from notifications.models import Message, TemplateReview, TemplateStatus
from notifications.providers.whatsapp.templates import template_name
from notifications.sealing import unseal_message


def claimant_text(message: Message) -> str:
    """The full text handed to the provider: the sealed text while the message is undelivered."""
    message.refresh_from_db()
    return unseal_message(message.sealed).text if message.sealed else message.body


def claimant_parameters(message: Message) -> dict[str, str]:
    """The full template parameters handed to WhatsApp while the message is undelivered."""
    message.refresh_from_db()
    if message.sealed:
        return unseal_message(message.sealed).parameters or {}
    return message.parameters


def templates_approved(*, except_variants: tuple[str, ...] = ()) -> None:
    """Every catalogue template approved by WhatsApp in both languages, as a sync would record."""
    TemplateStatus.objects.all().delete()
    TemplateStatus.objects.bulk_create(
        TemplateStatus(name=template_name(variant.name), language=language, status=TemplateReview.APPROVED)
        for variant in catalogue.variants()
        for language in catalogue.LANGUAGES
        if variant.name not in except_variants
    )


START_TEMPLATES = ("claim_start_code", "claim_start_existing")


def start_messages(to: str | None = None):
    """The start codes sent (claims/services/start.py), newest first; to one phone if given."""
    messages = Message.objects.filter(template__in=START_TEMPLATES)
    if to is not None:
        messages = messages.filter(to=to)
    return messages.order_by("-created_at", "-id")


def start_code(to: str | None = None) -> str:
    """The six digits of the newest start code, as the claimant reads them."""
    import re

    return re.search(r"\b\d{6}\b", claimant_text(start_messages(to).first())).group()

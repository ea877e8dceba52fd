from django.db.models import QuerySet

from core.staff import in_staff_scope

from .models import Message


def messages_for_staff(user, *, reference: str = "", limit: int = 200) -> QuerySet[Message]:
    """The outbox as one member of staff may see it: their branch, their region, or everything."""
    messages = in_staff_scope(Message.objects.select_related("claim"), user, to_branch="claim__branch__")
    if reference:
        messages = messages.filter(claim__reference=reference)
    return messages[:limit]


def number_not_working(phone: str) -> bool:
    """Both channels failed for this number (and nothing reached it since): show it to the officer."""
    from .models import NumberHealth

    return NumberHealth.objects.filter(phone=phone, not_working=True).exists()

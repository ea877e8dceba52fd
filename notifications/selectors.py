from django.db.models import QuerySet

from accounts.models import Role

from .models import Message


def messages_for_staff(user, *, reference: str = "", limit: int = 200) -> QuerySet[Message]:
    """The outbox as one member of staff may see it: their branch, their region, or everything."""
    messages = Message.objects.select_related("claim")
    if not (user.is_superuser or user.role == Role.NATIONAL):
        if user.role == Role.REGIONAL_MANAGER:
            messages = messages.filter(claim__branch__region_id=user.region_id)
        else:
            messages = messages.filter(claim__branch_id=user.branch_id)
    if reference:
        messages = messages.filter(claim__reference=reference)
    return messages[:limit]


def number_not_working(phone: str) -> bool:
    """Both channels failed for this number (and nothing reached it since): show it to the officer."""
    from .models import NumberHealth

    return NumberHealth.objects.filter(phone=phone, not_working=True).exists()

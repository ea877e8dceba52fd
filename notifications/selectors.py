from .models import NumberHealth


def number_not_working(phone: str) -> bool:
    """Both channels failed for this number (and nothing reached it since): show it to the officer."""
    return NumberHealth.objects.filter(phone=phone, not_working=True).exists()

import phonenumbers
from django import template

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    """{{ programme|localized:"name" }}: the catalogue text in the visitor's language."""
    return obj.localized(field) if obj is not None else ""


@register.filter
def phone_display(e164: str) -> str:
    """+6281234567890 → 0812-3456-7890, the way people in Indonesia write their number."""
    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)

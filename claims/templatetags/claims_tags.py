from django import template

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    """{{ programme|localized:"name" }}: the catalogue text in the visitor's language."""
    return obj.localized(field) if obj is not None else ""

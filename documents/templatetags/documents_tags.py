from django import template

from documents.rejections import fix_hint as document_fix_hint

register = template.Library()


@register.filter
def fix_hint(document) -> str:
    """{{ document|fix_hint }}: what the claimant must do about a rejected document."""
    return document_fix_hint(document)

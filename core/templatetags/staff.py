"""The staff role rule in templates: ``{% load staff %}{% if request.user|is_manager %}``."""

from django import template

from core import staff

register = template.Library()


@register.filter
def is_manager(user) -> bool:
    return bool(user.is_authenticated) and staff.is_manager(user)

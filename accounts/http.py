"""The request of a staff page, for the type checker."""

from django.http import HttpRequest

from .models import User


class StaffRequest(HttpRequest):
    """A request that passed @staff_only: its user is a logged-in member of staff, never anonymous.

    An annotation only (django-stubs' pattern for an authenticated request): Django builds a
    plain HttpRequest, and @staff_only is what makes the annotation true.
    """

    user: User

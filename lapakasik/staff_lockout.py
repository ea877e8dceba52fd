"""Staff login lockout: per username and address, and per username across addresses.

django-axes counts failures per combination in AXES_LOCKOUT_PARAMETERS, but against one
AXES_FAILURE_LIMIT for all of them. An officer who mistypes at the counter should be
locked after a few tries from that computer (AXES_FAILURE_LIMIT); someone guessing one
username from many addresses only after more (AXES_USERNAME_FAILURE_LIMIT), counted
over every address, so a spread-out guess cannot go on forever.

The username-wide count is this handler's own rather than a second entry in
AXES_LOCKOUT_PARAMETERS: with "username" there, axes would also delete every address's
failures when the officer logs in successfully (AXES_RESET_ON_SUCCESS), so a guesser
would get a fresh allowance each time the real officer signs in. Here a success clears
only that address's failures, and the guesser's keep counting until the cool-off.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def username_failures(request, credentials: dict | None = None) -> int:
    """Failures for this username from every address since the cool-off began."""
    attempts = AccessAttempt.objects.filter(username=get_client_username(request, credentials))
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def username_locked(request, credentials: dict | None = None) -> bool:
    return username_failures(request, credentials) >= settings.AXES_USERNAME_FAILURE_LIMIT


class StaffLockoutHandler(AxesDatabaseHandler):
    """The database handler, with the username-wide limit on top (AXES_HANDLER)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # Axes compares this number with AXES_FAILURE_LIMIT, both when it refuses a login
        # and when it records a failure: once the username's own limit is reached, it is
        # at least that limit, whatever this address did.
        failures = super().get_failures(request, credentials)
        if username_locked(request, credentials):
            return max(failures, get_failure_limit(request, credentials))
        return failures

"""Staff sessions expire and staff pages are never cached.

A staff laptop at a branch counter is shared and left unattended: a staff session ends
after STAFF_SESSION_IDLE_MINUTES without a request, and at the latest
STAFF_SESSION_MAX_HOURS after login, whatever the activity. Claimant sessions (no login,
claims held in the session) are left alone: they keep SESSION_COOKIE_AGE so a claimant
can come back to an unfinished claim from the same phone.

Staff pages (the console, the outbox, admin) carry claimants' personal data: the
browser and any proxy must not keep a copy.
"""

import time

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from .staff_lockout import username_locked

# Where the staff pages live (lapakasik/urls.py).
STAFF_PATH_PREFIXES = ("/petugas/", "/admin/")

LOGIN_AT_KEY = "_staff_login_at"
SEEN_AT_KEY = "_staff_seen_at"
# Activity is written to the session at most this often: not one write per request.
SEEN_RESOLUTION_SECONDS = 60


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PATH_PREFIXES)


def _is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def _logged_in_during(request) -> bool:
    """login() replaced the lazy request.user with the user. Never evaluates a lazy user:
    that would touch the session and add "Vary: Cookie" to every claimant page."""
    user = request.__dict__.get("user")
    # _wrapped is LazyObject's own slot (Django reads it the same way); the stubs leave it out.
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):  # type: ignore[attr-defined]
        return False
    return _is_staff(request)


def staff_session_expired(session, *, now: float) -> bool:
    login_at = session.get(LOGIN_AT_KEY)
    seen_at = session.get(SEEN_AT_KEY)
    if login_at is None or seen_at is None:
        return False
    idle = settings.STAFF_SESSION_IDLE_MINUTES * 60
    longest = settings.STAFF_SESSION_MAX_HOURS * 3600
    return now - seen_at > idle or now - login_at > longest


def _stamp(session, *, now: float, login: bool = False) -> None:
    if login or LOGIN_AT_KEY not in session:
        session[LOGIN_AT_KEY] = now
    if login or now - session.get(SEEN_AT_KEY, 0) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT_KEY] = now
        # The cookie itself goes with the idle limit, rolling with each write.
        session.set_expiry(settings.STAFF_SESSION_IDLE_MINUTES * 60)


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = time.time()
        # No session cookie, no login: spare claimant requests the session and user lookups.
        was_staff = settings.SESSION_COOKIE_NAME in request.COOKIES and _is_staff(request)
        if was_staff:
            if staff_session_expired(request.session, now=now):
                return self._expired(request)
            _stamp(request.session, now=now)
        response = self.get_response(request)
        if not was_staff and _logged_in_during(request):
            # Logged in by this very request: the clocks start now.
            _stamp(request.session, now=now, login=True)
        if is_staff_path(request.path_info):
            add_never_cache_headers(response)
        return response

    def _expired(self, request):
        # logout() empties the session; the note goes to the message cookie.
        logout(request)
        messages.info(request, _("Sesi Anda sudah berakhir. Silakan masuk lagi."))
        response = redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        add_never_cache_headers(response)
        return response


def staff_lockout_response(request, original_response=None, credentials=None):
    """What django-axes shows a locked-out login (AXES_LOCKOUT_CALLABLE): plain words, 429."""
    cool_off = get_cool_off(request)
    response = render(
        request,
        "staff_lockout.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            # Locked from every address, not just this one: someone else may be guessing.
            "everywhere": username_locked(request, credentials),
            "minutes": max(1, int(cool_off.total_seconds() // 60)) if cool_off else None,
        },
        status=429,
    )
    add_never_cache_headers(response)
    return response


def axes_username(request, credentials=None) -> str:
    """The username django-axes records for a login attempt, cut to what a username can be.

    Axes writes it into a varchar(255): a 300-character attempt was a 500 on the login
    page (found by tests/fuzz). No real username is longer than User.username (150).
    """
    username = (credentials or {}).get("username") if credentials else None
    if username is None:
        username = request.POST.get("username", "") if request is not None else ""
    return str(username)[:150]

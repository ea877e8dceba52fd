"""Staff login: lockout after wrong passwords, sessions that expire, pages never cached."""

import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY, authenticate
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from lapakasik.middleware import LOGIN_AT_KEY, SEEN_AT_KEY

from .factories import StaffFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"
PASSWORD = "rahasia-uji-123"
STAFF_PAGE = "/petugas/pesan/"


@pytest.fixture
def admin_user(branch):
    return StaffFactory(branch=branch, is_superuser=True, password=PASSWORD)


def _login(client, username, password, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, **extra)


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


# --- lockout -------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_login_even_for_the_right_password(client, admin_user):
    wrong = [_login(client, admin_user.username, "salah-salah-salah") for _ in range(5)]

    assert [response.status_code for response in wrong[:4]] == [200] * 4
    assert wrong[4].status_code == 429
    sixth = _login(client, admin_user.username, PASSWORD)

    assert sixth.status_code == 429
    body = sixth.content.decode()
    assert "Tunggu 15 menit" in body
    assert "hubungi admin kantor cabang" in body
    assert "no-store" in sixth["Cache-Control"]
    assert not _logged_in(client)


def test_the_lock_opens_again_after_the_cool_off(client, admin_user):
    from axes.models import AccessAttempt

    for _ in range(5):
        _login(client, admin_user.username, "salah-salah-salah")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert _login(client, admin_user.username, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, admin_user):
    for _ in range(4):
        _login(client, admin_user.username, "salah-salah-salah")
    assert _login(client, admin_user.username, PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert _login(client, admin_user.username, "salah-salah-salah").status_code == 200
    assert _login(client, admin_user.username, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_lockout_is_per_username_and_address(admin_user):
    attacker, officer = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        _login(attacker, admin_user.username, "salah-salah-salah")

    assert _login(attacker, admin_user.username, PASSWORD).status_code == 429
    assert _login(officer, admin_user.username, PASSWORD).status_code == 302


def test_behind_the_proxy_the_lockout_uses_the_forwarded_client_address(settings, admin_user):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    officer = Client(HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    for _ in range(5):
        _login(attacker, admin_user.username, "salah-salah-salah")

    assert _login(attacker, admin_user.username, PASSWORD).status_code == 429
    assert _login(officer, admin_user.username, PASSWORD).status_code == 302


def _wrong_from_addresses(username: str, count: int, *, first: int = 1) -> list[int]:
    """One wrong password from each of `count` addresses: what a spread-out guesser does."""
    return [
        _login(Client(REMOTE_ADDR=f"203.0.113.{n}"), username, "salah-salah-salah").status_code
        for n in range(first, first + count)
    ]


def test_eight_wrong_passwords_from_eight_addresses_do_not_lock_the_username(admin_user):
    assert _wrong_from_addresses(admin_user.username, 8) == [200] * 8

    assert _login(Client(REMOTE_ADDR="198.51.100.7"), admin_user.username, PASSWORD).status_code == 302


def test_wrong_passwords_from_many_addresses_lock_the_username_everywhere(settings, admin_user):
    settings.AXES_USERNAME_FAILURE_LIMIT = 12

    statuses = _wrong_from_addresses(admin_user.username, 12)

    assert statuses == [200] * 11 + [429]
    # The officer at a computer that never mistyped is locked out too, right password or not.
    officer = _login(Client(REMOTE_ADDR="198.51.100.7"), admin_user.username, PASSWORD)
    assert officer.status_code == 429
    body = officer.content.decode()
    assert "dikunci di semua komputer" in body
    assert "hubungi kepala kantor cabang atau tim TI" in body
    assert "Tunggu 15 menit" in body
    # Another username is not affected.
    other = StaffFactory(branch=admin_user.branch, password=PASSWORD)
    assert _login(Client(REMOTE_ADDR="198.51.100.7"), other.username, PASSWORD).status_code == 302


def test_the_username_wide_limit_is_20_by_default_and_opens_after_the_cool_off(admin_user):
    from axes.models import AccessAttempt

    assert django_settings.AXES_USERNAME_FAILURE_LIMIT == 20
    assert _wrong_from_addresses(admin_user.username, 20) == [200] * 19 + [429]
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert _login(Client(REMOTE_ADDR="198.51.100.7"), admin_user.username, PASSWORD).status_code == 302


def test_the_officers_own_login_does_not_clear_a_guessers_failures(settings, admin_user):
    settings.AXES_USERNAME_FAILURE_LIMIT = 12
    _wrong_from_addresses(admin_user.username, 8)
    officer = Client(REMOTE_ADDR="198.51.100.7")
    assert _login(officer, admin_user.username, PASSWORD).status_code == 302

    assert _wrong_from_addresses(admin_user.username, 4, first=50) == [200] * 3 + [429]


def test_the_per_address_lock_still_comes_first_and_says_this_computer(admin_user):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [_login(attacker, admin_user.username, "salah-salah-salah").status_code for _ in range(5)]

    assert statuses == [200] * 4 + [429]
    body = _login(attacker, admin_user.username, PASSWORD).content.decode()
    assert "dari komputer ini dikunci" in body
    assert "semua komputer" not in body
    assert _login(Client(REMOTE_ADDR="198.51.100.7"), admin_user.username, PASSWORD).status_code == 302


def test_authenticate_with_a_request_still_works(admin_user):
    request = RequestFactory().post(LOGIN_URL)

    assert authenticate(request, username=admin_user.username, password=PASSWORD) == admin_user


# --- passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["12345678901", "password123", "rahasia", "staff0000001"])
def test_weak_password_is_refused(admin_user, weak):
    admin_user.username = "staff0000001"
    form = AdminPasswordChangeForm(admin_user, data={"password1": weak, "password2": weak})

    assert not form.is_valid()
    with pytest.raises(ValidationError):
        validate_password(weak, admin_user)


def test_strong_password_is_accepted(admin_user):
    form = AdminPasswordChangeForm(
        admin_user, data={"password1": "kopi-tubruk-7-pagi", "password2": "kopi-tubruk-7-pagi"}
    )

    assert form.is_valid()


# --- staff sessions --------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, officer):
    client.force_login(officer)
    assert client.get(STAFF_PAGE).status_code == 200  # the first request starts the clocks
    return client


def _age_session(client, *, seen_ago: float = 0, login_ago: float = 0) -> None:
    session = client.session
    now = time.time()
    session[SEEN_AT_KEY] = now - seen_ago
    session[LOGIN_AT_KEY] = now - login_ago
    session.save()


def test_staff_session_ends_after_idle_time(staff_client):
    _age_session(staff_client, seen_ago=31 * 60, login_ago=31 * 60)

    response = staff_client.get(STAFF_PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={STAFF_PAGE}"
    assert not _logged_in(staff_client)
    assert staff_client.get(STAFF_PAGE).status_code == 302


def test_staff_session_lives_on_while_in_use(staff_client):
    _age_session(staff_client, seen_ago=29 * 60, login_ago=9 * 3600)

    assert staff_client.get(STAFF_PAGE).status_code == 200
    assert time.time() - staff_client.session[SEEN_AT_KEY] < 5


def test_staff_session_ends_after_the_longest_day_however_busy(staff_client):
    _age_session(staff_client, seen_ago=10, login_ago=10 * 3600 + 60)

    assert staff_client.get(STAFF_PAGE).status_code == 302
    assert not _logged_in(staff_client)


def test_idle_limit_is_a_setting(staff_client, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    _age_session(staff_client, seen_ago=6 * 60)

    assert staff_client.get(STAFF_PAGE).status_code == 302


def test_staff_session_cookie_follows_the_idle_limit(client, admin_user):
    response = _login(client, admin_user.username, PASSWORD)

    assert response.status_code == 302
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    assert LOGIN_AT_KEY in client.session
    assert SEEN_AT_KEY in client.session


# --- caching ---------------------------------------------------------------------------------


def test_staff_pages_are_never_cached(client, staff_client):
    for response in (
        staff_client.get(STAFF_PAGE),
        staff_client.get("/admin/"),
        client.get(LOGIN_URL),
        Client().get("/petugas/bantuan/baru/"),
    ):
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control
        assert "private" in cache_control


def test_claimant_pages_keep_their_caching_and_their_30_day_session(client, db):
    home = client.get(reverse("portal:home"))
    assert "no-store" not in home.get("Cache-Control", "")

    response = client.post(reverse("portal:start_programme"), {"programme": "JHT"})

    assert response.status_code == 302
    assert "no-store" not in response.get("Cache-Control", "")
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 24 * 3600

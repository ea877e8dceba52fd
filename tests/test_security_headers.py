"""The Content Security Policy every page carries, and the templates that keep to it."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

REPO = Path(__file__).resolve().parent.parent
APP_TEMPLATES = [p for p in REPO.glob("*/templates/**/*.html") if ".venv" not in p.parts]
# E-mails are read in mail clients, where the page's policy does not apply and inline
# style is the only style there is.
CHECKED = [p for p in APP_TEMPLATES if "email" not in p.relative_to(REPO).parts]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["portal:home", "portal:status_start", "portal:interview_how_it_works"])
def test_pages_carry_a_policy_without_inline_script_or_style(client, name):
    policy = client.get(reverse(name))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.django_db
def test_staff_login_page_carries_the_policy(client):
    assert "script-src 'self'" in client.get("/admin/login/")["Content-Security-Policy"]


def test_there_are_templates_to_check():
    assert len(CHECKED) > 40


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(REPO)))
def test_template_has_no_inline_script_style_or_handler(path):
    text = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>: move it to static/js"
    assert "<style" not in text, "inline <style>: move it to static/css"
    assert not re.search(r"\sstyle=", text), "style attribute: use a class"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler: use addEventListener in static/js"


@pytest.mark.django_db
def test_the_language_switch_sets_a_secure_httponly_cookie_under_production_cookie_settings(client, settings):
    """The footer's form POST (base.html) still switches the language with the cookie
    prod.py makes Secure; no script reads it, so it is HttpOnly and SameSite=Lax too."""
    settings.LANGUAGE_COOKIE_SECURE = True

    home = client.get(reverse("portal:home")).content.decode()
    assert 'action="/bahasa/"' in home
    assert 'name="language" value="en"' in home
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, secure=True)

    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert 'lang="en"' in client.get(reverse("portal:home"), secure=True).content.decode()

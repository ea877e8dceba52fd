"""What a claimant may see while a part is down: the friendly page, and nothing of the machinery."""

import lxml.html

FRIENDLY = {
    "id": ("Maaf, layanan sedang terganggu", "Coba lagi dalam beberapa menit.", "Telepon 175"),
    "en": ("Sorry, the service is interrupted", "Try again in a few minutes.", "Call 175"),
}
# Nothing that names the code, the parts or their settings.
NEVER_SHOWN = (
    "Traceback",
    'File "',
    "Error",
    "Exception",
    "psycopg",
    "botocore",
    "kombu",
    "redis",
    "Redis",
    "django",
    "settings",
    "SECRET",
    "DEBUG",
    "127.0.0.1",
    "5432",
    "lapakasik-test",
)


def assert_friendly_503(response, language: str = "id") -> str:
    body = response.content.decode()
    assert response.status_code == 503, body[:500]
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    assert response["Retry-After"]
    for text in FRIENDLY[language]:
        assert text in body, (text, body)
    assert f'lang="{language}"' in body
    for leak in NEVER_SHOWN:
        assert leak not in body, leak
    return body


def resend_form(response) -> tuple[str, dict[str, list[str]]]:
    """The "send again" form of the 503 page: its action and fields."""
    [form] = lxml.html.fromstring(response.content).forms
    fields: dict[str, list[str]] = {}
    for field in form.inputs:
        if field.name:
            fields.setdefault(field.name, []).append(field.value)
    return form.action, fields

"""The catalogue (notifications/catalogue) in the Graph API's words: the bodies POST
/<WABA_ID>/message_templates takes, the components a template message sends, and reading
the review status back (GET /<WABA_ID>/message_templates, paged).

URL buttons: WhatsApp allows one variable, at the end of the URL; the base
https://<host of PUBLIC_BASE_URL>/ is fixed at registration and our page's path (with its
token) is the suffix. Authentication templates: WhatsApp writes the body itself ("*{{1}}*
adalah kode verifikasi Anda."), we choose the security line, the expiry footer and the
copy-code button's text; the button is created as "OTP" but sent as a URL button carrying
the code (developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates).
"""

import json
from collections.abc import Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from ... import catalogue
from ...catalogue import PLACEHOLDER, Variant
from ..base import PermanentFailure, TemporaryFailure
from ..http import request

# A parameter WhatsApp is sent may not be empty (error 131008): an absent value reads "-".
EMPTY = "-"


def template_name(variant: str) -> str:
    return settings.WHATSAPP_TEMPLATE_NAMES.get(variant) or f"{settings.WHATSAPP_TEMPLATE_PREFIX}{variant}"


def named_body(variant: Variant, language: str) -> str:
    """The body as WhatsApp stores it: {{name}} for each parameter."""
    return PLACEHOLDER.sub(lambda match: "{{" + match.group(1) + "}}", variant.whatsapp_body(language))


def button_texts(variant: Variant, language: str) -> list[str]:
    with translation.override(language):
        texts = [gettext(reply.text) for reply in variant.replies]
        texts += [gettext(link.button) for link in variant.links]
        if isinstance(variant.kind, catalogue.AuthKind):
            texts.append(gettext(variant.kind.copy_button))
        return texts


def registration(variant: Variant, language: str) -> dict:
    """The JSON body that registers ``variant`` in ``language`` with WhatsApp."""
    name = template_name(variant.name)
    if isinstance(variant.kind, catalogue.AuthKind):
        with translation.override(language):
            copy = gettext(variant.kind.copy_button)
        return {
            "name": name,
            "language": language,
            "category": catalogue.AUTHENTICATION,
            "components": [
                {"type": "BODY", "add_security_recommendation": True},
                {"type": "FOOTER", "code_expiration_minutes": settings.OTP_TTL_SECONDS // 60},
                {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": copy}]},
            ],
        }
    examples = variant.kind.examples
    body: dict = {"type": "BODY", "text": named_body(variant, language)}
    names = variant.body_parameters(language)
    if names:
        body["example"] = {
            "body_text_named_params": [{"param_name": name, "example": examples[name]} for name in names]
        }
    components = [body]
    buttons: list[dict] = []
    with translation.override(language):
        for reply in variant.replies:
            buttons.append({"type": "QUICK_REPLY", "text": gettext(reply.text)})
        for link in variant.links:
            buttons.append(
                {
                    "type": "URL",
                    "text": gettext(link.button),
                    "url": catalogue.link_base() + "{{1}}",
                    "example": [catalogue.link_base() + examples[link.param].lstrip("/")],
                }
            )
    if buttons:
        components.append({"type": "BUTTONS", "buttons": buttons})
    return {
        "name": name,
        "language": language,
        "category": variant.kind.category,
        "parameter_format": "NAMED",
        "components": components,
    }


def registrations() -> Iterator[dict]:
    """Every template of the catalogue in every language, in catalogue order."""
    for variant in catalogue.variants():
        for language in catalogue.LANGUAGES:
            yield registration(variant, language)


def components(variant: Variant, language: str, parameters: dict[str, str]) -> list[dict]:
    """The components of one template message: the body's values and each button's."""

    def value(name: str) -> str:
        return catalogue.parameter_value(parameters.get(name, "")) or EMPTY

    if isinstance(variant.kind, catalogue.AuthKind):
        code = value(variant.kind.code)
        return [
            {"type": "body", "parameters": [{"type": "text", "text": code}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": code}]},
        ]
    sent: list[dict] = [
        {
            "type": "body",
            "parameters": [
                {"type": "text", "parameter_name": name, "text": value(name)}
                for name in variant.body_parameters(language)
            ],
        }
    ]
    index = 0
    for reply in variant.replies:
        sent.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": reply.payload}],
            }
        )
        index += 1
    for link in variant.links:
        sent.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": str(index),
                "parameters": [{"type": "text", "text": value(link.param).lstrip("/")}],
            }
        )
        index += 1
    return sent


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}", "Content-Type": "application/json"}


def reviews() -> Iterator[tuple[str, str, str, str]]:
    """(name, language, status, rejected reason) of every template of our business account,
    page after page (GET /<WABA_ID>/message_templates follows paging.next)."""
    if not settings.WHATSAPP_BUSINESS_ACCOUNT_ID:
        raise PermanentFailure("WHATSAPP_BUSINESS_ACCOUNT_ID is not set")
    query = urlencode({"fields": "name,language,status,rejected_reason", "limit": 100})
    url: str | None = (
        f"{settings.WHATSAPP_API_BASE.rstrip('/')}/{settings.WHATSAPP_API_VERSION}"
        f"/{settings.WHATSAPP_BUSINESS_ACCOUNT_ID}/message_templates?{query}"
    )
    pages = 0
    while url and pages < 100:  # 10,000 templates: far past WhatsApp's limit per account
        pages += 1
        response = request("GET", url, headers=_headers())
        data = response.json()
        if response.status != 200:
            error = data.get("error") if isinstance(data.get("error"), dict) else {}
            detail = f"WhatsApp {response.status}: {json.dumps(error)[:200]}"
            raise TemporaryFailure(detail) if response.status >= 500 else PermanentFailure(detail)
        for row in data.get("data") or []:
            if isinstance(row, dict) and isinstance(row.get("name"), str) and isinstance(row.get("status"), str):
                reason = row.get("rejected_reason")
                yield (
                    row["name"],
                    str(row.get("language") or ""),
                    row["status"],
                    reason if isinstance(reason, str) else "",
                )
        paging = data.get("paging")
        following = paging.get("next") if isinstance(paging, dict) else None
        url = following if isinstance(following, str) else None

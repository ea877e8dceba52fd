"""A local HTTP server that speaks the WhatsApp Cloud API, the Twilio Messages API and our SMS gateway.

WhatsApp's side keeps the templates of a business account (POST / GET
/<WABA_ID>/message_templates, paged like the Graph API), each with a review status; a
template message names one of them and must fill its named body parameters and its buttons
as the registered template has them, or is refused the way the Cloud API refuses it (132000,
132001, 132012, 132015, 132018). The delivered text is the template's body with the values in,
then each URL button's full address.

It records every request, answers with provider ids, honours our idempotency key (the
same key gets the same id and is delivered once), and can be told, per number, to
answer 500, to time out (answer after the client gave up), or to say "not on WhatsApp"
(131026) / "invalid number" (21211). It also posts signed status webhooks back to the
app, in any order, as often as asked.
"""

import base64
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

APP_SECRET = "fake-whatsapp-app-secret"
ACCESS_TOKEN = "fake-whatsapp-access-token"
PHONE_NUMBER_ID = "109876543210"
BUSINESS_ACCOUNT_ID = "102290129340398"
TWILIO_SID = "AC00000000000000000000000000000000"
TWILIO_TOKEN = "fake-twilio-auth-token"
GATEWAY_SECRET = "fake-gateway-secret"


# Twilio errors by name, as its API answers them (the same codes arrive as a status
# callback's ErrorCode: post_twilio_statuses(…, error_code="30003")).
TWILIO_ERRORS = {
    "unreachable": (30003, "Unreachable destination handset"),
    "unknown_handset": (30005, "Unknown destination handset"),
    "carrier_filtered": (30007, "Message filtered by the carrier"),
}


def sign_whatsapp(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sign_twilio(url: str, params: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    signed = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def whatsapp_status_payload(wamid: str, status: str, *, key: str = "", recipient: str = "", errors=None) -> dict:
    entry = {"id": wamid, "status": status, "timestamp": str(int(time.time())), "recipient_id": recipient}
    if key:
        entry["biz_opaque_callback_data"] = key
    if errors:
        entry["errors"] = errors
    return _whatsapp_envelope({"statuses": [entry]})


def whatsapp_reply_payload(from_number: str, text: str, wamid: str, *, sent_at: float | None = None) -> dict:
    stamp = str(int(sent_at if sent_at is not None else time.time()))
    message = {"from": from_number, "id": wamid, "timestamp": stamp, "type": "text"}
    message["text"] = {"body": text}
    return _whatsapp_envelope(
        {"contacts": [{"profile": {"name": "Peserta"}, "wa_id": from_number}], "messages": [message]}
    )


def whatsapp_button_payload(from_number: str, payload: str, title: str, wamid: str, *, context_id: str = "") -> dict:
    """A tapped quick-reply button of a template message."""
    message = {"from": from_number, "id": wamid, "timestamp": str(int(time.time())), "type": "button"}
    message["button"] = {"payload": payload, "text": title}
    if context_id:
        message["context"] = {"from": PHONE_NUMBER_ID, "id": context_id}
    return _whatsapp_envelope(
        {"contacts": [{"profile": {"name": "Peserta"}, "wa_id": from_number}], "messages": [message]}
    )


def whatsapp_interactive_payload(from_number: str, reply_id: str, title: str, wamid: str) -> dict:
    """A tapped reply button of an interactive message."""
    message = {"from": from_number, "id": wamid, "timestamp": str(int(time.time())), "type": "interactive"}
    message["interactive"] = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    return _whatsapp_envelope(
        {"contacts": [{"profile": {"name": "Peserta"}, "wa_id": from_number}], "messages": [message]}
    )


def whatsapp_template_status_payload(name: str, language: str, event: str, *, reason: str = "NONE") -> dict:
    """WhatsApp's message_template_status_update webhook."""
    value = {
        "event": event,
        "message_template_id": 594425479261596,
        "message_template_name": name,
        "message_template_language": language,
        "reason": reason,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": BUSINESS_ACCOUNT_ID,
                "time": int(time.time()),
                "changes": [{"field": "message_template_status_update", "value": value}],
            }
        ],
    }


def _whatsapp_envelope(value: dict) -> dict:
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": PHONE_NUMBER_ID}, **value}
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA1", "changes": [{"field": "messages", "value": value}]}],
    }


AUTH_BODIES = {
    "id": "*{{1}}* adalah kode verifikasi Anda.",
    "en": "*{{1}}* is your verification code.",
}
NAMED = re.compile(r"\{\{([a-z0-9_]+)\}\}")


@dataclass
class Delivery:
    """One message the provider really sent to a phone."""

    api: str  # whatsapp | twilio | gateway
    to: str
    text: str
    key: str
    provider_id: str
    status_callback: str = ""
    # WhatsApp's message type: "template", or "text" (free text inside the customer-service window).
    kind: str = ""


@dataclass
class ProviderState:
    requests: list = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    by_key: dict = field(default_factory=dict)
    # number (digits only) → outcomes to use for the next requests, then "ok"
    plans: dict = field(default_factory=lambda: defaultdict(list))
    always: dict = field(default_factory=dict)
    timeout_sleep: float = 1.0
    # (name, language) -> the registration body WhatsApp was given, plus "status" and "id".
    templates: dict = field(default_factory=dict)
    # The status a template gets when registered (WhatsApp's review answers later).
    review: str = "APPROVED"
    # The most templates one GET of message_templates answers, whatever limit is asked.
    page_size: int = 100
    # Numbers (digits only) whose customer-service window WhatsApp holds closed: free text gets 131047.
    window_closed: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a sender with several calls in flight
    # overflowed it and waited out a 1 s SYN retry, which no real provider makes anyone do.
    request_queue_size = 128


class ProviderServer:
    def __init__(self):
        self.state = ProviderState()
        self._ids = itertools.count(1)
        state, ids = self.state, self._ids

        class Handler(_Handler):
            pass

        Handler.state, Handler.ids = state, ids
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> "ProviderServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self.state.lock:
            self.state.requests.clear()
            self.state.deliveries.clear()
            self.state.by_key.clear()
            self.state.plans.clear()
            self.state.always.clear()
            self.state.timeout_sleep = 1.0
            self.state.templates.clear()
            self.state.review = "APPROVED"
            self.state.page_size = 100
            self.state.window_closed.clear()

    def register_templates(self, bodies, *, status: str = "APPROVED") -> None:
        """Templates registered (as POST /<WABA_ID>/message_templates would) with a review status."""
        with self.state.lock:
            for body in bodies:
                self.state.templates[(body["name"], body["language"])] = {
                    **body,
                    "status": status,
                    "id": str(next(self._ids)),
                }

    def set_template_status(self, name: str, language: str, status: str) -> None:
        with self.state.lock:
            self.state.templates[(name, language)]["status"] = status

    # Behaviour -------------------------------------------------------------------------
    def plan(self, number: str, *outcomes: str) -> None:
        """The next requests for this number answer these outcomes in turn, then "ok".

        Outcomes: "ok", "500", "429" (rate limited), "timeout", "not_on_whatsapp", "invalid_number",
        and for Twilio "unreachable" (30003), "unknown_handset" (30005), "carrier_filtered" (30007).
        """
        self.state.plans[digits(number)].extend(outcomes)

    def always(self, number: str, outcome: str) -> None:
        self.state.always[digits(number)] = outcome

    def window_closed(self, number: str) -> None:
        """WhatsApp refuses free text to this number (131047): its customer-service window is closed."""
        self.state.window_closed.add(digits(number))

    # What happened ---------------------------------------------------------------------
    def requests_to(self, api: str) -> list[dict]:
        return [r for r in self.state.requests if r["api"] == api]

    def deliveries_to(self, number: str, api: str | None = None) -> list[Delivery]:
        return [d for d in self.state.deliveries if d.to == digits(number) and (api is None or d.api == api)]

    def delivery(self, provider_id: str) -> Delivery:
        return next(d for d in self.state.deliveries if d.provider_id == provider_id)

    # Webhooks back to the app ----------------------------------------------------------
    def post_whatsapp_statuses(
        self, webhook_url: str, provider_id: str, statuses: list[str], *, errors=None
    ) -> list[int]:
        delivery = self.delivery(provider_id)
        codes = []
        for status in statuses:
            payload = whatsapp_status_payload(
                provider_id,
                status,
                key=delivery.key,
                recipient=delivery.to,
                errors=errors if status == "failed" else None,
            )
            body = json.dumps(payload).encode()
            codes.append(
                _post(
                    webhook_url, body, {"Content-Type": "application/json", "X-Hub-Signature-256": sign_whatsapp(body)}
                )
            )
        return codes

    def post_twilio_statuses(self, provider_id: str, statuses: list[str], *, error_code: str = "") -> list[int]:
        delivery = self.delivery(provider_id)
        codes = []
        for status in statuses:
            params = {
                "MessageSid": provider_id,
                "MessageStatus": status,
                "To": f"+{delivery.to}",
                "AccountSid": TWILIO_SID,
            }
            if error_code:
                params["ErrorCode"] = error_code
            body = urlencode(params).encode()
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": sign_twilio(delivery.status_callback, params),
            }
            codes.append(_post(delivery.status_callback, body, headers))
        return codes


def _post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class _Handler(BaseHTTPRequestHandler):
    state: ProviderState
    ids: itertools.count

    def log_message(self, format, *args):  # noqa: A002 - quiet test output
        pass

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def _handle(self):
        parts = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if parts.path.endswith(f"/{PHONE_NUMBER_ID}/messages"):
            self._whatsapp(body)
        elif parts.path.endswith(f"/{BUSINESS_ACCOUNT_ID}/message_templates"):
            self._message_templates(self.command, dict(parse_qsl(parts.query)), body)
        elif parts.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
            self._twilio(dict(parse_qsl(body.decode())))
        elif parts.path == "/gw/send":
            params = dict(parse_qsl(parts.query or body.decode()))
            self._gateway(params)
        else:
            self._answer(404, {"error": "no such endpoint"})

    def _outcome(self, api: str, number: str, key: str, record: dict) -> str:
        with self.state.lock:
            self.state.requests.append(record)
            plan = self.state.plans.get(number)
            if plan:
                return plan.pop(0)
            return self.state.always.get(number, "ok")

    def _deliver(
        self, api: str, number: str, text: str, key: str, prefix: str, callback: str = "", *, kind: str = ""
    ) -> str:
        """Same key, same id and no second copy: how the fake honours idempotency."""
        with self.state.lock:
            if key and (api, key) in self.state.by_key:
                return self.state.by_key[(api, key)]
            provider_id = f"{prefix}{next(self.ids):06d}"
            self.state.deliveries.append(Delivery(api, number, text, key, provider_id, callback, kind))
            if key:
                self.state.by_key[(api, key)] = provider_id
            return provider_id

    def _sleep_past_timeout(self):
        time.sleep(self.state.timeout_sleep)

    def _whatsapp(self, body: bytes):
        if self.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return self._answer(
                401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
            )
        payload = json.loads(body or b"{}")
        number, key = digits(payload.get("to", "")), payload.get("biz_opaque_callback_data", "")
        outcome = self._outcome(
            "whatsapp", number, key, {"api": "whatsapp", "headers": dict(self.headers), "json": payload}
        )
        if outcome == "500":
            return self._answer(
                500, {"error": {"message": "An unknown error occurred", "type": "OAuthException", "code": 1}}
            )
        if outcome == "429":
            return self._answer(
                429, {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}}
            )
        if outcome == "not_on_whatsapp":
            return self._answer(
                400,
                {
                    "error": {
                        "message": "(#131026) Message Undeliverable.",
                        "type": "OAuthException",
                        "code": 131026,
                        "error_data": {"messaging_product": "whatsapp", "details": "Message Undeliverable."},
                        "fbtrace_id": "Afake",
                    }
                },
            )
        if payload.get("type") == "text":
            # Free text: only inside the customer-service window (the app's to know; see window_closed).
            if number in self.state.window_closed:
                return self._answer(
                    400,
                    {
                        "error": {
                            "message": "(#131047) Re-engagement message",
                            "type": "OAuthException",
                            "code": 131047,
                            "error_data": {
                                "messaging_product": "whatsapp",
                                "details": "More than 24 hours have passed",
                            },
                        }
                    },
                )
            text = payload["text"]["body"]
        else:
            text, error = self._template_text(payload.get("template") or {})
            if error:
                code, message = error
                return self._answer(400, {"error": {"message": message, "type": "OAuthException", "code": code}})
        provider_id = self._deliver("whatsapp", number, text, key, "wamid.FAKE", kind=payload.get("type", ""))
        if outcome == "timeout":
            self._sleep_past_timeout()
        self._answer(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": payload["to"], "wa_id": number}],
                "messages": [{"id": provider_id}],
            },
        )

    def _template_text(self, sent: dict) -> tuple[str, tuple[int, str] | None]:
        """The text a phone shows for a template message, or the Cloud API's refusal."""
        language = (sent.get("language") or {}).get("code", "")
        with self.state.lock:
            template = self.state.templates.get((sent.get("name"), language))
        if template is None:
            return "", (132001, "(#132001) Template name does not exist in the translation")
        if template["status"] != "APPROVED":
            return "", (132015, f"(#132015) Template is {template['status'].lower()}")
        registered = {component["type"]: component for component in template["components"]}
        given = sent.get("components") or []
        body_values = next((c.get("parameters") for c in given if c.get("type") == "body"), [])
        for value in body_values:
            text = value.get("text", "")
            if not text or "\n" in text or "\t" in text or "     " in text:
                return "", (132018, "(#132018) There was an issue with the parameters in your template.")
        if template["category"] == "AUTHENTICATION":
            code = body_values[0]["text"] if body_values else ""
            body = AUTH_BODIES[language].replace("{{1}}", code)
            buttons = [c for c in given if c.get("type") == "button"]
            if not code or len(buttons) != 1 or buttons[0].get("parameters", [{}])[0].get("text") != code:
                return "", (132000, "(#132000) Number of parameters does not match the expected number of params")
            return body, None
        body = registered["BODY"]["text"]
        expected = NAMED.findall(body)
        values = {value.get("parameter_name"): value.get("text", "") for value in body_values}
        if sorted(values) != sorted(set(expected)) or len(body_values) != len(set(expected)):
            return "", (132000, "(#132000) Number of parameters does not match the expected number of params")
        text = NAMED.sub(lambda match: values[match.group(1)], body)
        buttons = registered.get("BUTTONS", {}).get("buttons", [])
        sent_buttons = {int(c.get("index", -1)): c for c in given if c.get("type") == "button"}
        if sorted(sent_buttons) != list(range(len(buttons))):
            return "", (132012, "(#132012) Parameter format does not match format in the created template")
        for index, button in enumerate(buttons):
            component = sent_buttons[index]
            value = (component.get("parameters") or [{}])[0]
            if button["type"] == "QUICK_REPLY":
                if component.get("sub_type") != "quick_reply" or not value.get("payload"):
                    return "", (132012, "(#132012) Parameter format does not match format in the created template")
            elif button["type"] == "URL":
                if component.get("sub_type") != "url" or not value.get("text"):
                    return "", (132012, "(#132012) Parameter format does not match format in the created template")
                text += "\n" + button["url"].replace("{{1}}", value["text"])
        return text, None

    def _message_templates(self, method: str, query: dict, body: bytes):
        if self.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return self._answer(
                401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
            )
        if method == "POST":
            registration = json.loads(body or b"{}")
            with self.state.lock:
                self.state.requests.append({"api": "whatsapp_templates", "json": registration})
            self_status = self.state.review
            template_id = str(next(self.ids))
            with self.state.lock:
                self.state.templates[(registration["name"], registration["language"])] = {
                    **registration,
                    "status": self_status,
                    "id": template_id,
                }
            return self._answer(200, {"id": template_id, "status": self_status, "category": registration["category"]})
        limit = min(int(query.get("limit", 25)), self.state.page_size)
        start = int(query.get("after", 0))
        with self.state.lock:
            self.state.requests.append({"api": "whatsapp_templates", "query": query})
            rows = sorted(self.state.templates.values(), key=lambda row: (row["name"], row["language"]))
        page = rows[start : start + limit]
        answer: dict = {
            "data": [
                {
                    "name": row["name"],
                    "language": row["language"],
                    "status": row["status"],
                    "category": row["category"],
                    "id": row["id"],
                    **({"rejected_reason": "INVALID_FORMAT"} if row["status"] == "REJECTED" else {}),
                }
                for row in page
            ],
            "paging": {"cursors": {"before": str(start), "after": str(start + len(page))}},
        }
        if start + limit < len(rows):
            following = {**query, "after": str(start + limit)}  # as the Graph API: the cursor
            answer["paging"]["next"] = (
                f"http://{self.headers.get('Host')}{urlsplit(self.path).path}?{urlencode(following)}"
            )
        return self._answer(200, answer)

    def _twilio(self, form: dict):
        expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
        number, key = digits(form.get("To", "")), self.headers.get("Idempotency-Key", "")
        outcome = self._outcome("twilio", number, key, {"api": "twilio", "headers": dict(self.headers), "form": form})
        if outcome == "500":
            return self._answer(500, {"code": 20500, "message": "Internal Server Error", "status": 500})
        if outcome == "429":
            return self._answer(429, {"code": 20429, "message": "Too Many Requests", "status": 429})
        if outcome == "invalid_number":
            message = f"The 'To' number {form.get('To')} is not a valid phone number."
            return self._answer(400, {"code": 21211, "message": message, "status": 400})
        if outcome in TWILIO_ERRORS:
            code, message = TWILIO_ERRORS[outcome]
            return self._answer(400, {"code": code, "message": message, "status": 400})
        provider_id = self._deliver("twilio", number, form.get("Body", ""), key, "SM", form.get("StatusCallback", ""))
        if outcome == "timeout":
            self._sleep_past_timeout()
        self._answer(201, {"sid": provider_id, "status": "queued", "to": form.get("To"), "account_sid": TWILIO_SID})

    def _gateway(self, params: dict):
        number, key = digits(params.get("to", "")), params.get("ref", "")
        outcome = self._outcome(
            "gateway", number, key, {"api": "gateway", "headers": dict(self.headers), "params": params}
        )
        if outcome == "500":
            return self._answer(503, "ERR service unavailable")
        if outcome == "429":
            return self._answer(429, "ERR too many requests")
        if outcome == "invalid_number":
            return self._answer(200, "ERR invalid destination")
        provider_id = self._deliver("gateway", number, params.get("text", ""), key, "GW")
        if outcome == "timeout":
            self._sleep_past_timeout()
        self._answer(200, f"OK message_id={provider_id}")

    def _answer(self, status: int, data):
        body = data.encode() if isinstance(data, str) else json.dumps(data).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if isinstance(data, str) else "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and left: the message was still sent


def use_provider(settings, server: ProviderServer) -> None:
    """Point every provider setting at this server."""
    settings.WHATSAPP_API_BASE = server.url
    settings.WHATSAPP_API_VERSION = "v23.0"
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_BUSINESS_ACCOUNT_ID = BUSINESS_ACCOUNT_ID
    settings.WHATSAPP_ACCESS_TOKEN = ACCESS_TOKEN
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = "fake-verify-token"
    settings.TWILIO_API_BASE = server.url
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_FROM = "+15005550006"
    settings.SMS_GATEWAY_URL_TEMPLATE = (
        server.url + "/gw/send?user={user}&password={password}&to={to}&text={text}&ref={ref}"
    )
    settings.SMS_GATEWAY_METHOD = "GET"
    settings.SMS_GATEWAY_USER = "lapak"
    settings.SMS_GATEWAY_PASSWORD = "rahasia"
    settings.SMS_GATEWAY_INVALID_REGEX = r"^ERR invalid"
    settings.SMS_GATEWAY_WEBHOOK_SECRET = GATEWAY_SECRET
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "whatsapp", "sms": "twilio"}
    settings.NOTIFICATION_HTTP_CONNECT_TIMEOUT = 2.0
    settings.NOTIFICATION_HTTP_READ_TIMEOUT = 0.4

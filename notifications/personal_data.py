"""What notifications/ holds about a person (core/personal_data.py; walked by privacy/).

Messages belong to a claim; replies and a number's health are kept by phone number, and
go with the person once no live claim uses the number any more (a live claim's interview
confirmations arrive as replies).
"""

from core.personal_data import PersonalData, declare, iso

from .models import InboundMessage, Message, NumberHealth

# What stays in a message body once the person is gone.
ANONYMISED = "[dihapus]"


def _message(message: Message, index: int, attach) -> dict:
    return {
        "at": iso(message.created_at),
        "channel": message.channel,
        "to": message.to,
        "template": message.template,
        "status": message.status,
        "body": message.body,
    }


def _reply(reply: InboundMessage, index: int, attach) -> dict:
    return {"at": iso(reply.received_at), "channel": reply.channel, "from": reply.from_number, "text": reply.text}


declare(
    PersonalData(
        model=Message,
        claim="claim",
        section="messages",
        export=_message,
        order_by=("created_at", "pk"),
        # The template parameters hold what the body holds (a name, a date): erased with it.
        erase={"to": "", "body": ANONYMISED, "parameters": {}, "sealed": "", "error": ""},
    ),
    PersonalData(
        model=InboundMessage,
        phone="from_number",
        section="replies",
        export=_reply,
        order_by=("received_at", "pk"),
        delete=True,
    ),
    PersonalData(model=NumberHealth, phone="phone", delete=True),
)

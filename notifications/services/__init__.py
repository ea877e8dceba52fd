"""Every write of the notifications app, by topic: sending (rows), delivery (provider calls),
reports (status webhooks), inbound (claimants' replies), transitions (the only writers of
Message.status)."""

from .delivery import (
    message_deliver,
    message_fail,
    message_reconcile,
    message_retries_exhausted,
    messages_deliver,
    messages_stuck,
    messages_unpublished,
    number_health_set,
)
from .inbound import inbound_reply_receive
from .reports import message_status_report
from .sending import (
    Outgoing,
    message_send,
    messages_send,
)
from .templates import template_status_record, template_statuses_approved
from .transitions import MessageTransitionNotAllowed, message_transition, messages_transition

__all__ = [
    "MessageTransitionNotAllowed",
    "Outgoing",
    "inbound_reply_receive",
    "message_deliver",
    "message_fail",
    "message_reconcile",
    "message_retries_exhausted",
    "message_send",
    "message_status_report",
    "message_transition",
    "messages_deliver",
    "messages_send",
    "messages_stuck",
    "messages_transition",
    "messages_unpublished",
    "number_health_set",
    "template_status_record",
    "template_statuses_approved",
]

"""Claimants' replies mean something only to the apps that sent what they answer.

An app that understands replies registers a handler here (interviews does, in its
AppConfig.ready: "1"/"YA" confirms an interview, "2" asks to move it). Notifications keeps
every reply (services/inbound.py) and hands its text, as received, to the handlers in the
order they registered, until one answers True; it decides nothing about the words.
"""

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

# (phone in E.164, the reply's text as received) -> True when the handler took the reply.
ReplyHandler = Callable[[str, str], bool]

reply_handlers: list[ReplyHandler] = []

# (the stored InboundMessage) -> True when it answered the reply. Offered what no handler
# took, after all of them whatever order the apps loaded in: claims answers "STATUS" and
# files every other reply in the branch's inbox (claims/services/replies.py).
LeftoverHandler = Callable[[Any], bool]

leftover_handlers: list[LeftoverHandler] = []


def reply_handler_register(handler: ReplyHandler) -> None:
    if handler not in reply_handlers:
        reply_handlers.append(handler)


def reply_handle(phone: str, text: str) -> ReplyHandler | None:
    """The first handler that takes the reply, or None. A handler that raises is logged and
    skipped, so one app's bug never fails the webhook nor keeps the reply from the others."""
    for handler in list(reply_handlers):
        try:
            handled = handler(phone, text)
        except Exception:
            logger.exception("reply handler %r failed", handler)
            continue
        if handled:
            return handler
    return None


def leftover_handler_register(handler: LeftoverHandler) -> None:
    if handler not in leftover_handlers:
        leftover_handlers.append(handler)


def leftover_handle(inbound: Any) -> LeftoverHandler | None:
    """Offer a reply no handler took to the leftover handlers, each in turn (one that raises is
    logged and skipped, as above); the first that answered it, or None."""
    answered = None
    for handler in list(leftover_handlers):
        try:
            if handler(inbound) and answered is None:
                answered = handler
        except Exception:
            logger.exception("leftover reply handler %r failed", handler)
    return answered

"""Who caused the work in progress: the client address of a claimant's request, for budgets.

Set for each request by lapakasik.budgets.BudgetMiddleware; empty in tasks and sweeps, and
for a request by logged-in staff (the assisted channel is exempt by its login, never by
its address). A service that refuses work for a budget marks it here, so the middleware
answers the claimant with the 429 page even when the refused work was a message written
in passing (the outbox keeps the row, "skipped", with the reason).
"""

import contextvars
from dataclasses import dataclass, field


@dataclass
class Origin:
    address: str = ""
    # Budget scopes refused during this request, and the longest wait among them.
    refused: list[str] = field(default_factory=list)
    retry_after: int = 0


_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("origin", default=None)


def origin_start(address: str) -> contextvars.Token:
    return _origin.set(Origin(address=address))


def origin_end(token: contextvars.Token) -> None:
    _origin.reset(token)


def origin_address() -> str:
    """The claimant's address that caused this work, or "" (a task, a sweep, staff)."""
    origin = _origin.get()
    return origin.address if origin is not None else ""


def origin_refused(scope: str, *, retry_after: int) -> None:
    """Say that a budget refused work caused by this request (no-op outside a request)."""
    origin = _origin.get()
    if origin is not None:
        origin.refused.append(scope)
        origin.retry_after = max(origin.retry_after, retry_after)


def origin_current() -> Origin | None:
    return _origin.get()


def origin_not_a_claimant() -> None:
    """The request in progress comes from a provider, not a claimant: no address to count."""
    origin = _origin.get()
    if origin is not None:
        origin.address = ""

"""Budgets every outbound message is counted against, when it is written (messages_send).

A message is counted per recipient phone, per claim, per client address of the claimant's
request that caused it (core/origin.py: none for tasks, sweeps and logged-in staff) and in
one global hourly budget. One over any budget it is counted in is not handed to a provider:
its row is written "skipped" with the budget named (the outbox shows it; nothing saved is
lost), an alert line is logged, and the claimant's request gets the 429 page.

The global budget counts every message but never stops a one-time code or a decision on a
claim: it is a breaker against a runaway, and an attacker filling it must not stop the
codes claimants log in with (they have their own per-phone and per-address limits) nor the
news of a decision an officer took. The per-phone, per-claim and per-address budgets stop
them too: those are the ones one attacker can fill only for themselves.

Counting is atomic increments, grouped by key, one Redis round trip per budget and batch
(core.throttle.throttle_add_many), so a reminder burst of 10,000 costs little. A refused
message spends nothing: its counts are given back (one more round trip), so a loop refused
per address does not eat the global budget nor the phone's; the key stays at its limit, and
the loop stays refused. Two batches at once may refuse one message too many at the edge,
never let one too many through.
"""

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from core.origin import origin_address, origin_refused
from core.throttle import throttle_add_many, throttle_peek

logger = logging.getLogger(__name__)

# How the alert line starts (a log alert matches it): never followed by personal data.
ALERT = "budget exceeded"
# What a row stopped by a budget carries in Message.error (the outbox shows it).
NOT_SENT_PREFIX = "Tidak dikirim: batas pesan"

PHONE, CLAIM, ADDRESS, GLOBAL = "message-phone", "message-claim", "message-address", "message-global"
_GLOBAL_KEY = "all"
# Never stopped by the global budget (see above): codes and decisions on a claim.
ESSENTIAL_TEMPLATES = frozenset(
    {
        "one_time_code",
        "phone_confirm_code",
        "claim_approved",
        "claim_rejected",
        "claim_cancelled",
        "claim_needs_fix",
        "claim_more_documents",
    }
)

REASONS = {
    PHONE: NOT_SENT_PREFIX + " per nomor HP tercapai (" + PHONE + ").",
    CLAIM: NOT_SENT_PREFIX + " per klaim tercapai (" + CLAIM + ").",
    ADDRESS: NOT_SENT_PREFIX + " per alamat pengirim permintaan tercapai (" + ADDRESS + ").",
    GLOBAL: NOT_SENT_PREFIX + " per jam untuk seluruh layanan tercapai (" + GLOBAL + ").",
}


@dataclass(frozen=True)
class Budget:
    scope: str
    limit: int
    window: int


def message_budgets() -> list[Budget]:
    window = settings.MESSAGE_BUDGET_WINDOW
    return [
        Budget(PHONE, settings.MESSAGE_BUDGET_PER_PHONE, window),
        Budget(CLAIM, settings.MESSAGE_BUDGET_PER_CLAIM, window),
        Budget(ADDRESS, settings.MESSAGE_BUDGET_PER_ADDRESS, window),
        Budget(GLOBAL, settings.MESSAGE_BUDGET_GLOBAL_PER_HOUR, 3600),
    ]


@dataclass(frozen=True)
class Counted:
    """What one message is counted by: its number, its claim's id (or None), its template."""

    to: str
    claim_id: int | None
    template: str


def messages_over_budget(items: Sequence[Counted]) -> dict[int, str]:
    """Count these messages; {index in ``items``: reason} for each one over a budget.

    A message is over when a key it counts against has nothing left (the count before this
    batch plus the messages let through before it): a batch spends what is left, in order.
    """
    if not items:
        return {}
    budgets = {budget.scope: budget for budget in message_budgets()}
    address = origin_address()
    keys_of: list[dict[str, str]] = []
    for item in items:
        keys = {PHONE: item.to, GLOBAL: _GLOBAL_KEY}
        if item.claim_id is not None:
            keys[CLAIM] = str(item.claim_id)
        if address:
            keys[ADDRESS] = address
        keys_of.append(keys)
    left: dict[tuple[str, str], int] = {}
    for scope, budget in budgets.items():
        counts = Counter(keys[scope] for keys in keys_of if scope in keys)
        totals = throttle_add_many(scope, dict(counts), window=budget.window)
        for key, total in totals.items():
            left[scope, key] = budget.limit - (total - counts[key])
    over: dict[int, str] = {}
    refunds: dict[str, Counter[str]] = {scope: Counter() for scope in budgets}
    for index, (item, keys) in enumerate(zip(items, keys_of, strict=True)):
        spent = [
            scope
            for scope, key in keys.items()
            if left[scope, key] <= 0 and not (scope == GLOBAL and item.template in ESSENTIAL_TEMPLATES)
        ]
        if spent:
            over[index] = REASONS[spent[0]]
            for scope, key in keys.items():
                refunds[scope][key] -= 1
            budget_alert(budgets[spent[0]], template=item.template, claim=item.claim_id or "-")
        else:
            for scope, key in keys.items():
                left[scope, key] -= 1
    for scope, refund in refunds.items():
        if refund:
            throttle_add_many(scope, dict(refund), window=budgets[scope].window)
    return over


def budget_alert(budget: Budget, **details: object) -> None:
    """A budget refused something: the alert line, the staff page's count, the 429 for the request.

    ``details`` go on the line as key=value: ids and names only, never a phone, a NIK or an address.
    """
    # The refused count per scope, for the staff page (no key: nothing personal is kept).
    throttle_add_many("budget-refused", {budget.scope: 1}, window=budget.window)
    logger.warning(
        "%s scope=%s limit=%s window=%ss%s",
        ALERT,
        budget.scope,
        budget.limit,
        budget.window,
        "".join(f" {name}={value}" for name, value in details.items()),
    )
    origin_refused(budget.scope, retry_after=budget.window)


@dataclass(frozen=True)
class BudgetUse:
    scope: str
    limit: int
    window: int
    # Only the global budget has one counter to show; the others have one per key (hashed).
    used: int | None
    refused: int


def budgets_use(extra: Sequence[Budget] = ()) -> list[BudgetUse]:
    """Each budget with its limit, the global use in its window, and refusals in the window."""
    rows = []
    for budget in [*message_budgets(), *extra]:
        used = throttle_peek(budget.scope, _GLOBAL_KEY) if budget.scope == GLOBAL else None
        rows.append(
            BudgetUse(budget.scope, budget.limit, budget.window, used, throttle_peek("budget-refused", budget.scope))
        )
    return rows

"""Messages about a claim that must not go out, for reasons notifications does not know.

An app that knows why a claimant must not be messaged registers a check here (claims does,
in its AppConfig.ready: a claimant contacted through the branch has no working phone).
Notifications only asks: messages_send before it writes the rows (a held row is kept,
"skipped", with the reason, so the outbox shows what was not sent and why), and delivery
again before it calls the provider, so a message written before the claim was marked is
held too. A check answers for many claims at once (one query for a whole reminder batch).
"""

from collections.abc import Callable, Collection

# claim ids -> {claim id: why its messages are held}, the reason as stored on the row.
HoldCheck = Callable[[Collection[int]], dict[int, str]]

hold_checks: list[HoldCheck] = []


def hold_check_register(check: HoldCheck) -> None:
    if check not in hold_checks:
        hold_checks.append(check)


def held_claims(claim_ids: Collection[int]) -> dict[int, str]:
    """The claims among ``claim_ids`` whose messages are held, with the first check's reason."""
    held: dict[int, str] = {}
    ids = {pk for pk in claim_ids if pk is not None}
    if not ids:
        return held
    for check in hold_checks:
        for claim_id, reason in check(ids - held.keys()).items():
            held.setdefault(claim_id, reason)
    return held

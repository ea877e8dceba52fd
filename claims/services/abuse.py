"""How many claims may be started from one client address, for one phone, for one NIK.

Counted in the shared cache (Redis in production) per CLAIM_CREATE_WINDOW, before the claim
is written; the keys are hashed (core/throttle.py), the alert line names the budget only.
A claim started by logged-in staff (the call centre's assisted channel) is exempt, by that
login: never by the address it comes from, which anyone may share or spoof.
"""

from django.conf import settings

from core.origin import origin_address
from core.staff import is_active_staff
from core.throttle import BudgetExceeded, throttle_add_many
from notifications.budgets import Budget, budget_alert

ADDRESS, PHONE, NIK = "claim-address", "claim-phone", "claim-nik"


def claim_budgets() -> list[Budget]:
    window = settings.CLAIM_CREATE_WINDOW
    return [
        Budget(ADDRESS, settings.CLAIM_CREATE_LIMIT_PER_ADDRESS, window),
        Budget(PHONE, settings.CLAIM_CREATE_LIMIT_PER_PHONE, window),
        Budget(NIK, settings.CLAIM_CREATE_LIMIT_PER_NIK, window),
    ]


def claim_create_check(*, nik: str, contact_phone: str, by) -> None:
    """Count one claim about to be started; BudgetExceeded past any limit (nothing is written).

    ``contact_phone`` is where its messages would go (the heir's phone when an heir claims).
    Every limit counts the attempt, so a loop stays refused until its window ends.
    """
    if by is not None and is_active_staff(by):
        return
    keys = {ADDRESS: origin_address(), PHONE: contact_phone, NIK: nik}
    spent = None
    for budget in claim_budgets():
        key = keys[budget.scope]
        if not key:
            continue
        [total] = throttle_add_many(budget.scope, {key: 1}, window=budget.window).values()
        if total > budget.limit and spent is None:
            spent = budget
    if spent is not None:
        budget_alert(spent)
        raise BudgetExceeded(spent.scope, retry_after=spent.window)

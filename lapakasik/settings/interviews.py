"""Video-call interviews: slots, the claimant's link, reminders and quiet hours, attempts."""

from .environment import BASE_DIR, env  # noqa: F401

# Video-call interviews and their reminders (interviews/). Times are local to the branch.
# Slot length when a branch has no schedule row (Mon–Fri 08:00–16:00, break 12:00–13:00).
INTERVIEW_SLOT_MINUTES = env.int("INTERVIEW_SLOT_MINUTES", default=20)
# The earliest slot offered is this far ahead, so the claimant can read the message first.
INTERVIEW_MIN_NOTICE_MINUTES = env.int("INTERVIEW_MIN_NOTICE_MINUTES", default=60)
# Days ahead the slot finder looks, and how many free slots a page proposes.
INTERVIEW_BOOKING_HORIZON_DAYS = env.int("INTERVIEW_BOOKING_HORIZON_DAYS", default=21)
INTERVIEW_SLOTS_SHOWN = env.int("INTERVIEW_SLOTS_SHOWN", default=8)
# The claimant's link works until this long after the call ends.
INTERVIEW_LINK_GRACE_MINUTES = env.int("INTERVIEW_LINK_GRACE_MINUTES", default=60)
# No reminders from QUIET_START to QUIET_END local (hours), unless the call is this close.
INTERVIEW_QUIET_START_HOUR = env.int("INTERVIEW_QUIET_START_HOUR", default=21)
INTERVIEW_QUIET_END_HOUR = env.int("INTERVIEW_QUIET_END_HOUR", default=6)
INTERVIEW_QUIET_OVERRIDE_MINUTES = env.int("INTERVIEW_QUIET_OVERRIDE_MINUTES", default=120)
# Reminders the sweep claims per transaction; a claim older than RECLAIM_AFTER seconds (the
# sweep died between claiming and sending) is claimed again, at most MAX_ATTEMPTS times.
INTERVIEW_REMINDER_BATCH = env.int("INTERVIEW_REMINDER_BATCH", default=50)
INTERVIEW_REMINDER_RECLAIM_AFTER = env.int("INTERVIEW_REMINDER_RECLAIM_AFTER", default=300)
INTERVIEW_REMINDER_MAX_ATTEMPTS = env.int("INTERVIEW_REMINDER_MAX_ATTEMPTS", default=3)
# Calls not answered: after this many attempts, or this many days after the first one, the
# officer's page proposes "failed confirmation" (no answer) instead of trying again.
INTERVIEW_MAX_ATTEMPTS = env.int("INTERVIEW_MAX_ATTEMPTS", default=3)
INTERVIEW_ATTEMPT_DAYS = env.int("INTERVIEW_ATTEMPT_DAYS", default=3)
# The claimant chooses the call: their link stays open this many working days after the
# documents were accepted; then the service books the earliest slot with the whole reminder plan.
INTERVIEW_CHOOSE_DAYS = env.int("INTERVIEW_CHOOSE_DAYS", default=2)

"""Claims: the officer console's holds and targets, claimants' one-time codes and finish-later links, API tokens,
retention of personal data."""

from .environment import BASE_DIR, env  # noqa: F401

# The officer console.
# Working days from submission to decision the branches aim for (the queue shows age against it).
CLAIM_SERVICE_TARGET_DAYS = env.int("CLAIM_SERVICE_TARGET_DAYS", default=5)
# An officer's hold on a claim lapses after this many minutes without a change.
CLAIM_ASSIGNMENT_LAPSE_MINUTES = env.int("CLAIM_ASSIGNMENT_LAPSE_MINUTES", default=30)

# One-time codes for claimants coming back to a claim.
OTP_TTL_SECONDS = env.int("OTP_TTL_SECONDS", default=600)
OTP_MAX_ATTEMPTS = env.int("OTP_MAX_ATTEMPTS", default=5)
OTP_PER_PHONE_LIMIT = env.int("OTP_PER_PHONE_LIMIT", default=3)
OTP_PER_PHONE_WINDOW = env.int("OTP_PER_PHONE_WINDOW", default=900)
OTP_PER_IP_LIMIT = env.int("OTP_PER_IP_LIMIT", default=10)
OTP_PER_IP_WINDOW = env.int("OTP_PER_IP_WINDOW", default=900)
# Claims started from one client address, one contact phone, one NIK per WINDOW seconds
# (claims/services/abuse.py), counted in the shared cache; the assisted channel (staff
# logged in) is exempt. Per address is loose: mobile carriers put many phones behind one.
CLAIM_CREATE_LIMIT_PER_ADDRESS = env.int("CLAIM_CREATE_LIMIT_PER_ADDRESS", default=10)
CLAIM_CREATE_LIMIT_PER_PHONE = env.int("CLAIM_CREATE_LIMIT_PER_PHONE", default=3)
CLAIM_CREATE_LIMIT_PER_NIK = env.int("CLAIM_CREATE_LIMIT_PER_NIK", default=3)
CLAIM_CREATE_WINDOW = env.int("CLAIM_CREATE_WINDOW", default=3600)
# "Finish later" links to a draft claim (claims/services/resume.py): valid this many days,
# at most LIMIT sent per claim per WINDOW seconds; one reminder REMINDER_HOURS after the last.
CLAIM_RESUME_LINK_DAYS = env.int("CLAIM_RESUME_LINK_DAYS", default=7)
CLAIM_RESUME_LINK_LIMIT = env.int("CLAIM_RESUME_LINK_LIMIT", default=3)
CLAIM_RESUME_LINK_WINDOW = env.int("CLAIM_RESUME_LINK_WINDOW", default=3600)
CLAIM_RESUME_REMINDER_HOURS = env.int("CLAIM_RESUME_REMINDER_HOURS", default=24)
CLAIM_RESUME_REMINDER_BATCH = env.int("CLAIM_RESUME_REMINDER_BATCH", default=200)
# Claim tokens for the JSON API.
CLAIM_TOKEN_MAX_AGE = env.int("CLAIM_TOKEN_MAX_AGE", default=30 * 24 * 3600)
# Personal data at rest (core/crypto.py, core/fields.py): the NIK, heir NIK and phones are Fernet
# encrypted with PERSONAL_DATA_KEYS (the first key encrypts, every key listed opens) and found
# through an HMAC under PERSONAL_DATA_INDEX_KEYS (the first key writes, every key is looked up);
# `manage.py rotate_personal_data_keys` moves every row to the first keys. Empty: keys derived
# from the secret key (development); prod.py requires both, each separate from the secret key.
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS", default=[])
PERSONAL_DATA_INDEX_KEYS = env.list("PERSONAL_DATA_INDEX_KEYS", default=[])
# Personal data (UU PDP No. 27/2022): a claim closed this many days ago loses its files and
# the claimant's personal fields (privacy/retention.py); the daily sweep takes BATCH.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=730)
PERSONAL_DATA_RETENTION_BATCH = env.int("PERSONAL_DATA_RETENTION_BATCH", default=500)
# Every claim ends (DOMAIN.md): a claim waiting for the claimant is nudged after this many
# working days without a move by the claimant (twice at most), and cancelled after EXPIRE
# days (documents/services/expiry.py). A draft: 3 working days is long enough to fetch a
# paper from an employer or a kelurahan, and two weeks (10) long enough for two nudges and
# a weekend visit to the branch dropbox. A fix: the same, counted from the request.
CLAIM_DRAFT_NUDGE_DAYS = env.int("CLAIM_DRAFT_NUDGE_DAYS", default=3)
CLAIM_DRAFT_EXPIRE_DAYS = env.int("CLAIM_DRAFT_EXPIRE_DAYS", default=10)
CLAIM_FIX_NUDGE_DAYS = env.int("CLAIM_FIX_NUDGE_DAYS", default=3)
CLAIM_FIX_EXPIRE_DAYS = env.int("CLAIM_FIX_EXPIRE_DAYS", default=10)
# Claims one query of the daily expiry sweep takes (it goes on until none is due).
CLAIM_EXPIRY_BATCH = env.int("CLAIM_EXPIRY_BATCH", default=500)
# A claim whose call failed (failed_confirmation) and that nobody books again is cancelled
# after this many working days (interviews/services/expiry.py): two weeks to reply, call
# 175 or visit the branch, which the failure's message offers.
CLAIM_CONFIRMATION_EXPIRE_DAYS = env.int("CLAIM_CONFIRMATION_EXPIRE_DAYS", default=10)
# Claimants' replies (claims/services/replies.py): "STATUS", "CEK" or a claim number is
# answered by itself at most this many times per number in this many seconds (an answering
# machine replying to our answer must not make the service send in a loop); past it the
# reply goes to the branch's inbox like any other.
CLAIM_STATUS_REPLY_LIMIT = env.int("CLAIM_STATUS_REPLY_LIMIT", default=3)
CLAIM_STATUS_REPLY_WINDOW = env.int("CLAIM_STATUS_REPLY_WINDOW", default=3600)
# A reply in the inbox still unanswered this many working days after it came (at the same
# hour, the branch's calendar) is flagged in the queue.
CLAIM_REPLY_ANSWER_DAYS = env.int("CLAIM_REPLY_ANSWER_DAYS", default=1)

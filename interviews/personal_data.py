"""What interviews/ holds about a person (core/personal_data.py; walked by privacy/)."""

from core.personal_data import PersonalData, declare, iso

from .models import Interview, InterviewAttempt


def _interview(interview: Interview, index: int, attach) -> dict:
    return {
        "starts_at": iso(interview.starts_at),
        "channel": interview.channel,
        "status": interview.status,
        "confirmed_at": iso(interview.claimant_confirmed_at),
        "attempts": [
            {"at": iso(a.at), "outcome": a.outcome, "reason": a.reason, "identity_checks": a.checks, "note": a.note}
            for a in interview.attempts.all()
        ],
    }


declare(
    PersonalData(
        model=Interview,
        claim="claim",
        section="interviews",
        export=_interview,
        order_by=("starts_at",),
        prefetch=("attempts",),
    ),
    # Shown inside its interview; the officer's note on a call may name the person.
    PersonalData(model=InterviewAttempt, claim="interview__claim", erase={"note": ""}),
)

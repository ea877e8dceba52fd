"""Interview slots, video-call interviews and their reminders (built in the interviews issue)."""

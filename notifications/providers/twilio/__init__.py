"""SMS through Twilio or a Twilio-compatible API: sending (backend.py), delivery receipts (webhook.py)."""

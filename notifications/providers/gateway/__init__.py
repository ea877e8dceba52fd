"""A generic HTTP SMS gateway (most Indonesian gateways): sending (backend.py), receipts (webhook.py)."""

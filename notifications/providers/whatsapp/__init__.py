"""WhatsApp Business Cloud API: sending (backend.py), its status and reply webhook (webhook.py)."""

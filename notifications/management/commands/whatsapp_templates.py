"""Register the catalogue's templates with WhatsApp (export) and read their review back (sync)."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifications.providers.base import PermanentFailure, TemporaryFailure
from notifications.providers.whatsapp.templates import registrations, reviews
from notifications.services import template_status_record


class Command(BaseCommand):
    help = (
        "export: one JSON body a line for POST /<WABA_ID>/message_templates, one per template and "
        "language. sync: record each template's review status from GET /<WABA_ID>/message_templates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "sync"])

    def handle(self, *args, action: str, **options) -> None:
        if action == "export":
            for body in registrations():
                self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        count = 0
        try:
            for name, language, status, reason in reviews():
                template_status_record(name=name, language=language, status=status, reason=reason)
                count += 1
        except (PermanentFailure, TemporaryFailure) as exc:
            raise CommandError(f"sync stopped after {count} templates: {exc}") from exc
        self.stdout.write(f"{count} template statuses recorded")

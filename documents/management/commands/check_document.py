"""Run the document checks on a local file, save nothing, print one JSON verdict.

    python manage.py check_document PATH [--kind KIND]

Exit status: 0 accepted, 1 rejected, 2 the checks could not run (clamd unreachable, an
unreadable path, an unknown kind). The rejection codes are listed in README.md.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from claims.models import DocumentType
from documents.checks import Candidate, CheckRejected, CheckUnavailable, run_checks
from documents.pipeline import check_config
from documents.rejections import rejection_message

EXIT_ACCEPTED, EXIT_REJECTED, EXIT_UNAVAILABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Run the automatic document checks on a local file and print the verdict as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--kind", help="a document type code of the catalogue, e.g. ektp")

    def handle(self, *args, path: Path, kind: str | None, **options) -> None:
        if kind and not DocumentType.objects.filter(code=kind).exists():
            self._emit({"verdict": "error", "code": "unknown_kind", "details": {"kind": kind}}, EXIT_UNAVAILABLE)
        try:
            content = path.read_bytes()
        except OSError as exc:
            self._emit(
                {"verdict": "error", "code": "unreadable_path", "details": {"error": str(exc)}}, EXIT_UNAVAILABLE
            )
        candidate = Candidate(content=content, name=path.name)
        try:
            run_checks(candidate, check_config())
        except CheckRejected as rejection:
            details = {**candidate.details, **rejection.details, "kind": kind}
            self._emit(self._verdict("rejected", rejection.code, details), EXIT_REJECTED)
        except CheckUnavailable as exc:
            self._emit(
                {"verdict": "error", "code": "checks_unavailable", "details": {"error": str(exc)}}, EXIT_UNAVAILABLE
            )
        details = {**candidate.details, "kind": kind, "content_type": candidate.content_type}
        if candidate.clean is not None:
            details["clean_bytes"] = len(candidate.clean)
        self._emit(self._verdict("accepted", "", details), EXIT_ACCEPTED)

    @staticmethod
    def _verdict(verdict: str, code: str, details: dict) -> dict:
        messages = {}
        for language in ("id", "en"):
            with translation.override(language):
                messages[language] = rejection_message(code) if code else ""
        return {
            "verdict": verdict,
            "code": code,
            "message_id": messages["id"],
            "message_en": messages["en"],
            "details": details,
        }

    def _emit(self, payload: dict, status: int) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False, default=str))
        sys.exit(status)

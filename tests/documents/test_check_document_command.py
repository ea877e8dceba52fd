import json

import pytest
from django.core.management import call_command

from tests.documents import corpus

pytestmark = pytest.mark.django_db


def _run(tmp_path, capsys, content: bytes, name: str, *args: str) -> tuple[int, dict]:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_document", str(path), *args)
    return exit_info.value.code, json.loads(capsys.readouterr().out)


def test_good_photo_is_accepted_with_exit_0(tmp_path, capsys):
    status, verdict = _run(tmp_path, capsys, corpus.good_jpeg(), "ktp.jpg", "--kind", "ektp")
    assert status == 0
    assert verdict["verdict"] == "accepted"
    assert verdict["code"] == ""
    assert verdict["details"]["kind"] == "ektp"
    assert verdict["details"]["content_type"] == "image/jpeg"


def test_dark_photo_is_rejected_with_both_messages_and_exit_1(tmp_path, capsys):
    status, verdict = _run(tmp_path, capsys, corpus.black_jpeg(), "gelap.jpg")
    assert status == 1
    assert verdict == {
        "verdict": "rejected",
        "code": "image_too_dark",
        "message_id": "Foto terlalu gelap. Ambil ulang di tempat yang terang.",
        "message_en": verdict["message_en"],
        "details": verdict["details"],
    }
    assert "dark" in verdict["message_en"].lower()


def test_photo_carrying_eicar_is_rejected_as_virus(tmp_path, capsys):
    status, verdict = _run(tmp_path, capsys, corpus.jpeg_with_eicar(), "ktp.jpg")
    assert (status, verdict["code"]) == (1, "virus")


def test_plain_eicar_is_not_even_a_document(tmp_path, capsys):
    # Text, not a photo or PDF: the type check, which runs before the scan, refuses it.
    status, verdict = _run(tmp_path, capsys, corpus.EICAR, "eicar.pdf")
    assert (status, verdict["code"]) == (1, "type_not_allowed")


def test_checks_that_cannot_run_exit_2(tmp_path, capsys, settings):
    settings.ANTIVIRUS_BACKEND = "documents.checks.antivirus.ClamdScanner"
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    status, verdict = _run(tmp_path, capsys, corpus.good_jpeg(), "ktp.jpg")
    assert status == 2
    assert verdict["code"] == "checks_unavailable"


def test_unknown_kind_exits_2(tmp_path, capsys):
    status, verdict = _run(tmp_path, capsys, corpus.good_jpeg(), "ktp.jpg", "--kind", "passport-of-mars")
    assert status == 2
    assert verdict["code"] == "unknown_kind"


def test_command_saves_nothing(tmp_path, capsys):
    from documents.models import Document

    _run(tmp_path, capsys, corpus.good_jpeg(), "ktp.jpg")
    assert not Document.objects.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "ktp.jpg"]

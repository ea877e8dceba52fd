"""The audit log on SQLite, the database `make run` uses.

The test suite runs on PostgreSQL; SQLite refuses some SQL PostgreSQL accepts (an ORDER BY
inside a part of a UNION made /petugas/audit/ answer 500 for every manager). So this test
starts the development settings on a fresh SQLite file in another interpreter, migrates it,
writes one entry of each log and asks for the page as a branch manager.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import datetime as dt
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from claims.models import ClaimDataAccess, DocumentType
from core.staff import Role
from documents.models import Document, DocumentAccess
from tests.factories import BranchFactory, StaffFactory, make_claim

branch = BranchFactory()
claim = make_claim(branch=branch)
elsewhere = make_claim(branch=BranchFactory(), nik="3174015506900002")
reader = StaffFactory(branch=branch, first_name="Pembaca")
manager = StaffFactory(branch=branch, role=Role.BRANCH_MANAGER)
document = Document.objects.create(
    claim=claim, document_type=DocumentType.objects.first(), file="uji/ktp.jpg",
    content_type="image/jpeg", size=1, sha256="0" * 64,
)
now = dt.datetime.now(dt.timezone.utc)
DocumentAccess.objects.create(document=document, user=reader, what="file", at=now - dt.timedelta(minutes=1))
ClaimDataAccess.objects.create(claim=claim, user=reader, what="nik", at=now)
ClaimDataAccess.objects.create(claim=elsewhere, user=reader, what="nik", at=now)

setup_test_environment()  # so the client keeps each response's template context
client = Client()
client.force_login(manager)
for query in ({}, {"akses": "file"}, {"akses": "nik"}, {"petugas": "Pembaca"}):
    response = client.get(reverse("console:audit"), query)
    assert response.status_code == 200, (query, response.status_code)
    rows = [(row.kind, row.reference) for row in response.context["rows"]]
    print(query, rows)
    if not query:
        assert rows == [("data", claim.reference), ("document", claim.reference)], rows
        assert response.context["page"].paginator.count == 2
print("AUDIT OK")
"""


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_managers_read_the_audit_log_on_sqlite(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(REPO),
        "DJANGO_SETTINGS_MODULE": "lapakasik.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LAPAKASIK_MEDIA_ROOT": str(tmp_path / "private"),
        "LOG_LEVEL": "WARNING",
        # The page is rendered by the test client, which asks for "testserver".
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }

    migrate = _manage(["migrate", "--noinput", "-v", "0"], env)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr

    result = _manage(["shell", "-c", SCRIPT], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "AUDIT OK" in result.stdout

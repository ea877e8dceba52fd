"""One JHT claim from the first page to the approval message, through every hole issue 14 closed.

The claimant starts on the portal, uploads, and one photo is refused (too dark): the claim
waits for a fix. Three working days later a real beat and a real worker, both with their
clock moved there by time-machine (tests/timetravel.py), run the expiry sweep of 02:00
UTC: the claimant is nudged with what is still missing. The claimant replaces the photo;
once an officer has accepted the documents the claimant is invited to choose the call and
chooses it; the officer confirms the claimant on the call and approves; the approval
message, with the day the money comes at the latest, is in the outbox. Every message the
claimant got is checked, in order.
"""

import datetime as dt
import re
import signal
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery import current_app
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimReason, Status
from claims.services import call_choice_path
from documents.selectors import claim_current_documents
from documents.services import ReviewDecision, documents_review
from interviews.models import IdentityCheck, Interview
from interviews.services import claim_approve, interview_mark_confirmed
from notifications.models import Message
from tests.claims.test_claimant_flow import _start, _upload
from tests.documents import corpus
from tests.factories import BranchFactory, StaffFactory, make_jpeg
from tests.worker import LOGS, ROOT, WorkerProcess, celery_command, purge_broker, require_redis, wait_for, worker_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_catalogue")]

WIB = ZoneInfo("Asia/Jakarta")
# Monday 4 January 2027, 08:00 WIB: the claimant starts.
STARTED = dt.datetime(2027, 1, 4, 8, 0, tzinfo=WIB)
# Friday 8 January, 15 s before the claims-expiry entry of beat (02:00 UTC): three working
# days (CLAIM_FIX_NUDGE_DAYS) after the claim was sent back, Isra Mi'raj (Tuesday 5 January)
# not counted. On Thursday the sweep would still leave it alone.
BEFORE_SWEEP = dt.datetime(2027, 1, 8, 1, 59, 45, tzinfo=dt.UTC)
FIXED = dt.datetime(2027, 1, 8, 10, 0, tzinfo=WIB)


def _worker(name: str, env: dict[str, str], travel_to: dt.datetime) -> WorkerProcess:
    try:
        return WorkerProcess(name, env, travel_to=travel_to).start()
    except RuntimeError as exc:
        pytest.fail(str(exc))


def _beat(travel_to: dt.datetime, env: dict[str, str], tmp_path) -> subprocess.Popen:
    log = (LOGS / "end-to-end-beat.log").open("w")
    return subprocess.Popen(
        [*celery_command(travel_to), "-A", "lapakasik", "beat", "-s", str(tmp_path / "beat"), "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _templates(claim: Claim) -> list[str]:
    return list(
        Message.objects.filter(claim=claim, channel="whatsapp")
        .order_by("created_at")
        .values_list("template", flat=True)
    )


def test_a_jht_claim_from_start_to_the_approval_message(tmp_path, settings, monkeypatch):
    require_redis()
    purge_broker()
    branch = BranchFactory(time_zone="Asia/Jakarta", whatsapp_number="+6221500910")
    officer = StaffFactory(branch=branch)
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    client = Client()

    env = worker_env(LAPAKASIK_MEDIA_ROOT=str(settings.MEDIA_ROOT))

    # Monday: the claim is made and sent before the checks ran; a real worker then checks
    # the files and refuses the dark photo, and the claim waits for a fix.
    with time_machine.travel(STARTED, tick=True):
        claim = _start(client, reason)  # its code is sent in process, read back from the outbox
        monkeypatch.setitem(current_app.conf, "task_always_eager", False)  # the worker runs the checks
        requirements = list(reason.requirements.filter(required=True).select_related("document_type"))
        dark = requirements[0].document_type
        for n, requirement in enumerate(requirements):
            code = requirement.document_type.code
            content = corpus.black_jpeg() if requirement.document_type == dark else make_jpeg(text=f"{code} {n}")
            assert _upload(client, claim, code, content).status_code == 302
        assert client.post(reverse("portal:submit", args=[claim.reference])).status_code == 302
    checker = _worker("end-to-end-checks", env, STARTED + dt.timedelta(minutes=1))
    try:
        wait_for(
            lambda: Claim.objects.filter(pk=claim.pk, status=Status.NEEDS_FIX).exists(),
            timeout=60,
            interval=0.2,
            what="the checks' verdicts",
        )
        wait_for(
            lambda: Message.objects.filter(claim=claim, template="claim_needs_fix").exists(),
            timeout=30,
            interval=0.2,
            what="the fix list",
        )
    finally:
        checker.stop()

    # Friday 02:00 UTC: beat sends the sweep, the worker runs it and nudges the claimant.
    worker = _worker("end-to-end-sweeps", env, BEFORE_SWEEP)
    beat = _beat(BEFORE_SWEEP, env, tmp_path)
    try:
        nudge = wait_for(
            lambda: Message.objects.filter(claim=claim, template="claim_fix_nudge").first(),
            timeout=60,
            interval=0.5,
            what="the fix nudge of the 02:00 UTC sweep",
        )
    finally:
        _stop(beat)
        worker.stop()
    beat_log = (LOGS / "end-to-end-beat.log").read_text()
    assert "Sending due task claims-expiry (documents.tasks.claims_expiry_task)" in beat_log
    assert "documents.tasks.claims_expiry_task" in worker.log()
    assert dark.name in nudge.body  # what is still missing
    assert nudge.created_at.astimezone(dt.UTC).date() == BEFORE_SWEEP.date()
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX  # nudged, not cancelled

    # Friday morning: the photo is replaced (checked in process again); the claim passes and
    # the claimant chooses the call.
    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    with time_machine.travel(FIXED, tick=True):
        assert _upload(client, claim, dark.code, make_jpeg(text="terang")).status_code == 302
        claim.refresh_from_db()
        assert claim.status == Status.IN_REVIEW
        assert not Message.objects.filter(claim=claim, template="interview_choose").exists()
        # The officer looks at every document and accepts them: now the claimant is invited.
        documents_review(
            claim=claim,
            decisions=[ReviewDecision(document=d, accept=True) for d in claim_current_documents(claim).values()],
            by=officer,
            claim_version=claim.version,
        )
        invitation = Message.objects.get(claim=claim, template="interview_choose")
        assert call_choice_path(claim) in invitation.body
        choose = client.get(call_choice_path(claim))
        assert choose.status_code == 200
        first_slot = re.findall(r'href="([^"]*/cara/\?waktu=[^"]+)"', choose.content.decode())[0]
        waktu = first_slot.split("waktu=")[1]
        done = client.post(f"{call_choice_path(claim)}cara/", {"waktu": waktu, "cara": "whatsapp_video"})
        assert done.status_code == 302
    interview = Interview.objects.get(claim=claim)

    # At the time chosen: the officer confirms the claimant on the call, then approves.
    with time_machine.travel(interview.starts_at + dt.timedelta(minutes=5), tick=True):
        claim.refresh_from_db()
        interview_mark_confirmed(
            interview=interview, checks=list(IdentityCheck.values), by=officer, claim_version=claim.version
        )
        claim.refresh_from_db()
        assert claim.status == Status.INTERVIEW_DONE
        claim = claim_approve(claim=claim, by=officer, claim_version=claim.version)
    assert claim.status == Status.APPROVED

    approved = Message.objects.get(claim=claim, template="claim_approved")
    assert claim.reference in approved.body
    assert "hari kerja" in approved.body
    assert "175" in approved.body
    sent = _templates(claim)
    assert sent[: sent.index("interview_choose")] == ["claim_submitted", "claim_needs_fix", "claim_fix_nudge"]
    assert sent.index("interview_choose") < sent.index("interview_booked") < sent.index("claim_approved")
    assert sent[-1] == "claim_approved"
    # The approval is in the officer's outbox, as the claimant will read it.
    outbox = Client()
    outbox.force_login(officer)
    assert claim.reference in outbox.get(reverse("console:outbox")).content.decode()

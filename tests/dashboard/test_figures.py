"""Each figure of DOMAIN.md on rows with known counts, empty periods and time-zone edges."""

import datetime as dt

import pytest

from claims.models import CancelReason, Channel, ClaimEvent, Status
from documents.models import DocumentStatus
from interviews.models import InterviewStatus
from reports.figures import Filters, custom_period, dashboard_figures, drilldown, month_period, week_period
from reports.figures.compute import percentile_cont

from .conftest import JAKARTA, JAYAPURA, NOW, WEEK, claim_row, document_row, interview_row, local

pytestmark = pytest.mark.django_db

PERIOD = week_period(WEEK)
EVERYTHING = Filters()


def figures(user, period=PERIOD, filters=EVERYTHING, **kwargs):
    return dashboard_figures(user, filters, period, now=NOW, use_cache=False, **kwargs)


def references(name, user, period=PERIOD, filters=EVERYTHING, **kwargs):
    _columns, rows = drilldown(name, user, filters, period, now=NOW, **kwargs)
    return sorted(row[0] for row in rows)


def test_electronic_cancellation_rate_is_upload_failed_and_incomplete_over_electronic_submitted(jakarta, national):
    day = local(WEEK + dt.timedelta(days=2))
    cancelled = [
        claim_row(jakarta, submitted_at=day, status=Status.CANCELLED, cancel_reason=CancelReason.UPLOAD_FAILED)
        for _ in range(3)
    ]
    incomplete = claim_row(
        jakarta, submitted_at=day, status=Status.CANCELLED, cancel_reason=CancelReason.INCOMPLETE_DOCUMENTS
    )
    # Electronic, but cancelled for another reason: in the denominator only.
    claim_row(jakarta, submitted_at=day, status=Status.CANCELLED, cancel_reason=CancelReason.CLAIMANT_REQUEST)
    for _ in range(5):
        claim_row(jakarta, submitted_at=day)
    # Not electronic, or not in the period: not counted at all.
    claim_row(
        jakarta,
        submitted_at=day,
        channel=Channel.DROPBOX,
        status=Status.CANCELLED,
        cancel_reason=CancelReason.UPLOAD_FAILED,
    )
    claim_row(
        jakarta,
        submitted_at=local(WEEK - dt.timedelta(days=1)),
        status=Status.CANCELLED,
        cancel_reason=CancelReason.UPLOAD_FAILED,
    )

    total = figures(national).total
    assert (total.ratios["ecancel"].numerator, total.ratios["ecancel"].denominator) == (4, 10)
    assert total.ratios["ecancel"].rate == pytest.approx(40.0)
    assert total.ratios["ecancel_upload_failed"].rate == pytest.approx(30.0)
    assert total.ratios["ecancel_incomplete_documents"].rate == pytest.approx(10.0)
    assert references("ecancel_upload_failed", national) == sorted(c.reference for c in cancelled)
    assert references("ecancel", national) == sorted([*(c.reference for c in cancelled), incomplete.reference])
    assert len(references("electronic", national)) == 10


def test_channel_mix_is_the_share_of_submitted_claims(jakarta, national):
    day = local(WEEK)
    for _ in range(7):
        claim_row(jakarta, submitted_at=day)
    for _ in range(3):
        claim_row(jakarta, submitted_at=day, channel=Channel.DROPBOX)
    claim_row(jakarta, submitted_at=None, status=Status.DRAFT, created_at=day)  # never submitted

    ratios = figures(national).total.ratios
    assert ratios["electronic_share"].rate == pytest.approx(70.0)
    assert ratios["dropbox_share"].rate == pytest.approx(30.0)
    assert ratios["electronic_share"].denominator == 10


def test_an_empty_period_gives_no_rate_and_no_error(jakarta, national, regional, head_jakarta):
    claim_row(jakarta, submitted_at=local(WEEK))
    empty = week_period(WEEK + dt.timedelta(weeks=5))
    for user in (national, regional, head_jakarta):
        result = figures(user, period=empty)
        assert result.rows == []
        assert all(ratio.rate is None for ratio in result.total.ratios.values())
        assert result.total.ttd_median is None
        assert result.total.ttd_p90 is None
        assert all(ratio.rate is None for _bucket, ratios in result.reminders_by_count for ratio in ratios.values())
        assert [ratio.numerator for _key, _label, ratio in result.funnel] == [0] * 6


def test_a_claim_submitted_late_on_sunday_in_wit_belongs_to_that_week(jayapura, jakarta, national):
    sunday = WEEK + dt.timedelta(days=6)
    late_sunday = claim_row(jayapura, submitted_at=local(sunday, 23, 30, zone=JAYAPURA))  # 14:30 UTC Sunday
    # 00:30 WIT on Monday is still Sunday 22:30 in Jakarta, but it is the next week in Jayapura.
    early_monday = claim_row(jayapura, submitted_at=local(sunday + dt.timedelta(days=1), 0, 30, zone=JAYAPURA))
    # And in Jakarta the week ends at midnight Jakarta time.
    jakarta_sunday = claim_row(jakarta, submitted_at=local(sunday, 23, 59))

    this_week = figures(national)
    assert this_week.total.ratios["electronic_share"].denominator == 2
    assert references("submitted", national) == sorted([late_sunday.reference, jakarta_sunday.reference])
    next_week = figures(national, period=week_period(WEEK + dt.timedelta(weeks=1)))
    assert references("submitted", national, period=next_week.period) == [early_monday.reference]

    weekly = {point.week: point.ratio.denominator for point in this_week.trend["electronic_share"]}
    assert weekly[WEEK] == 2
    assert weekly.get(WEEK + dt.timedelta(weeks=1), 0) == 0  # the trend ends with the period's week
    later = figures(national, period=week_period(WEEK + dt.timedelta(weeks=1)))
    weekly = {point.week: point.ratio.denominator for point in later.trend["electronic_share"]}
    assert (weekly[WEEK], weekly[WEEK + dt.timedelta(weeks=1)]) == (2, 1)


def test_a_month_is_counted_in_local_dates(jayapura, national):
    # 1 April 00:30 WIT is 31 March in UTC and in Jakarta: April in Jayapura.
    claim_row(jayapura, submitted_at=local(dt.date(2026, 4, 1), 0, 30, zone=JAYAPURA))
    assert figures(national, period=month_period(2026, 3)).total.ratios["electronic_share"].denominator == 0
    assert figures(national, period=month_period(2026, 4)).total.ratios["electronic_share"].denominator == 1


def test_failed_confirmation_rate_is_failed_over_interviews_held_or_due(jakarta, national):
    claim = claim_row(jakarta, submitted_at=local(WEEK - dt.timedelta(days=3)), status=Status.INTERVIEW_DONE)
    when = local(WEEK + dt.timedelta(days=1))
    for _ in range(5):
        interview_row(claim, starts_at=when, status=InterviewStatus.DONE)
    failed = [interview_row(claim, starts_at=when, status=InterviewStatus.FAILED) for _ in range(2)]
    interview_row(claim, starts_at=when, status=InterviewStatus.BOOKED)  # due, nothing recorded yet: counted
    interview_row(claim, starts_at=when, status=InterviewStatus.CANCELLED)  # never held: not counted
    outside = local(WEEK + dt.timedelta(days=8))
    interview_row(claim, starts_at=outside, status=InterviewStatus.FAILED)  # another week

    ratio = figures(national).total.ratios["failed_confirmation"]
    assert (ratio.numerator, ratio.denominator) == (2, 8)
    assert ratio.rate == pytest.approx(25.0)
    _columns, rows = drilldown("failed_confirmation", national, Filters(), PERIOD, now=NOW)
    assert len(list(rows)) == len(failed)


def test_an_interview_not_yet_due_is_not_counted(jakarta, national):
    claim = claim_row(jakarta, submitted_at=local(WEEK), status=Status.INTERVIEW_SCHEDULED)
    interview_row(claim, starts_at=local(WEEK + dt.timedelta(days=3)), status=InterviewStatus.BOOKED)
    early = local(WEEK + dt.timedelta(days=2))
    result = dashboard_figures(national, Filters(), PERIOD, now=early, use_cache=False)
    assert result.total.ratios["failed_confirmation"].denominator == 0


def test_reminder_effect_by_reminders_delivered_and_channel(jakarta, national):
    claim = claim_row(jakarta, submitted_at=local(WEEK - dt.timedelta(days=3)), status=Status.INTERVIEW_DONE)
    when = local(WEEK + dt.timedelta(days=2))
    # 0 delivered (one lost): a no-show that failed.
    interview_row(claim, starts_at=when, status=InterviewStatus.FAILED, undelivered=1, no_answer=True)
    interview_row(claim, starts_at=when, status=InterviewStatus.FAILED)
    # 1 delivered by WhatsApp.
    interview_row(claim, starts_at=when, delivered=("whatsapp",), no_answer=True)
    interview_row(claim, starts_at=when, delivered=("whatsapp",), undelivered=1)
    # 2 delivered by SMS (one a fallback copy of a failed WhatsApp message).
    interview_row(claim, starts_at=when, delivered=("sms", "fallback"), status=InterviewStatus.FAILED)
    # 3 and 4 delivered, both channels: both in the "3 or more" row.
    interview_row(claim, starts_at=when, delivered=("whatsapp", "whatsapp", "sms"))
    interview_row(claim, starts_at=when, delivered=("whatsapp",) * 4)

    result = figures(national)
    by_count = {bucket: ratios for bucket, ratios in result.reminders_by_count}
    assert {bucket: ratios["interviews"].numerator for bucket, ratios in by_count.items()} == {0: 2, 1: 2, 2: 1, 3: 2}
    assert by_count[0]["failed_confirmation"].rate == pytest.approx(100.0)
    assert by_count[0]["no_show"].rate == pytest.approx(50.0)
    assert by_count[1]["no_show"].rate == pytest.approx(50.0)
    assert by_count[1]["failed_confirmation"].rate == pytest.approx(0.0)
    assert by_count[2]["failed_confirmation"].rate == pytest.approx(100.0)
    assert by_count[3]["failed_confirmation"].rate == pytest.approx(0.0)
    by_channel = {channel: ratios["interviews"].numerator for channel, ratios in result.reminders_by_channel}
    assert by_channel == {"whatsapp": 3, "sms": 1, "both": 1, "none": 2}
    assert len(references("interviews", national, reminder_bucket=3)) == 2
    assert len(references("failed_confirmation", national, reminder_channel="sms")) == 1
    assert len(references("no_show", national)) == 2


@pytest.mark.parametrize("vendor", ["postgresql", "python"])
def test_time_to_decision_median_and_90th_percentile(jakarta, national, monkeypatch, vendor):
    if vendor == "python":
        from reports.figures import compute

        monkeypatch.setattr(compute.connection, "vendor", "sqlite")
    start = local(WEEK - dt.timedelta(days=20))
    for days in (1, 2, 3, 4, 10):
        claim_row(
            jakarta,
            submitted_at=start,
            status=Status.APPROVED,
            closed_at=local(WEEK + dt.timedelta(days=1)) if days != 10 else local(WEEK + dt.timedelta(days=3)),
        )
    # closed in the week, but durations from the same start: 21 days four times and 23 days once.
    total = figures(national).total
    assert total.decided == 5
    assert total.ttd_median == pytest.approx(21.0)
    assert total.ttd_p90 == pytest.approx(21.0 + 0.6 * 2.0)
    # Rejected counts too; cancelled does not; decided outside the period does not.
    claim_row(jakarta, submitted_at=start, status=Status.REJECTED, closed_at=local(WEEK + dt.timedelta(days=4)))
    claim_row(
        jakarta,
        submitted_at=start,
        status=Status.CANCELLED,
        cancel_reason=CancelReason.CLAIMANT_REQUEST,
        closed_at=local(WEEK + dt.timedelta(days=4)),
    )
    claim_row(jakarta, submitted_at=start, status=Status.APPROVED, closed_at=local(WEEK + dt.timedelta(days=9)))
    assert figures(national).total.decided == 6
    assert len(references("decided", national)) == 6


def test_percentile_matches_postgresql_percentile_cont():
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert percentile_cont(values, 0.5) == 3.0
    assert percentile_cont(values, 0.9) == pytest.approx(7.6)
    assert percentile_cont([5.0], 0.9) == 5.0
    assert percentile_cont([], 0.5) is None


def test_reupload_rate_is_automatic_rejections_over_uploads_by_code(jakarta, national):
    claim = claim_row(jakarta, submitted_at=local(WEEK), status=Status.NEEDS_FIX)
    when = local(WEEK + dt.timedelta(days=1))
    for _ in range(6):
        document_row(claim, created_at=when)
    blurry = [document_row(claim, created_at=when, status=DocumentStatus.REJECTED, code="image_blurry") for _ in "ab"]
    document_row(claim, created_at=when, status=DocumentStatus.REJECTED, code="too_large")
    document_row(claim, created_at=when, status=DocumentStatus.REJECTED, code="officer_cut_off")  # an officer's
    document_row(claim, created_at=local(WEEK + dt.timedelta(days=9)), status=DocumentStatus.REJECTED, code="empty")

    result = figures(national)
    assert result.total.ratios["reupload"].numerator == 3
    assert result.total.ratios["reupload"].denominator == 10
    by_code = {code: ratio for code, ratio in result.reupload}
    assert set(by_code) == {"image_blurry", "too_large"}
    assert by_code["image_blurry"].rate == pytest.approx(20.0)
    assert by_code["too_large"].rate == pytest.approx(10.0)
    _columns, rows = drilldown("auto_rejected_image_blurry", national, Filters(), PERIOD, now=NOW)
    assert len(list(rows)) == len(blurry)


def test_funnel_counts_each_claim_up_to_its_furthest_step(jakarta, national):
    day = local(WEEK + dt.timedelta(days=1))
    claim_row(jakarta, submitted_at=None, status=Status.DRAFT, created_at=day, history=[])
    claim_row(jakarta, submitted_at=day, status=Status.SUBMITTED)
    claim_row(jakarta, submitted_at=day, status=Status.NEEDS_FIX)
    claim_row(jakarta, submitted_at=day, status=Status.INTERVIEW_SCHEDULED)
    claim_row(jakarta, submitted_at=day, status=Status.APPROVED, closed_at=day)
    # Cancelled after the checks (needs_fix): it reached "checked" and no further.
    claim_row(jakarta, submitted_at=day, status=Status.CANCELLED, cancel_reason=CancelReason.INCOMPLETE_DOCUMENTS)
    # Back in "checking" after a fix: it was checked once already.
    claim_row(
        jakarta,
        submitted_at=day,
        status=Status.CHECKING,
        history=[Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX, Status.CHECKING],
    )

    funnel = {key: ratio.numerator for key, _label, ratio in figures(national).funnel}
    assert funnel == {"started": 7, "submitted": 6, "checked": 5, "reviewed": 2, "interviewed": 1, "decided": 1}


def test_filters_by_programme_channel_and_branch(jakarta, jayapura, national):
    day = local(WEEK)
    claim_row(jakarta, submitted_at=day, programme="JHT")
    claim_row(jakarta, submitted_at=day, programme="JKK", channel=Channel.DROPBOX)
    claim_row(jayapura, submitted_at=day, programme="JHT")
    from claims.models import Programme

    jkk = Programme.objects.get(code="JKK")
    assert figures(national, filters=Filters(programme_id=jkk.pk)).total.ratios["electronic_share"].denominator == 1
    assert figures(national, filters=Filters(channel=Channel.DROPBOX)).total.counts["submitted"] == 1
    assert figures(national, filters=Filters(branch_id=jayapura.pk)).total.counts["submitted"] == 1


def test_scope_branch_manager_own_branch_regional_rows_per_branch_national_rows_per_region(
    jakarta, jayapura, national, regional, head_jakarta
):
    from tests.factories import BranchFactory, RegionFactory

    elsewhere = BranchFactory(region=RegionFactory(code="KWLAIN", name="Wilayah Lain"))
    day = local(WEEK)
    for branch, count in ((jakarta, 3), (jayapura, 2), (elsewhere, 4)):
        for _ in range(count):
            claim_row(branch, submitted_at=day)

    assert [(row.label, row.counts["submitted"]) for row in figures(head_jakarta).rows] == [(jakarta.name, 3)]
    assert sorted((row.label, row.counts["submitted"]) for row in figures(regional).rows) == sorted(
        [(jakarta.name, 3), (jayapura.name, 2)]
    )
    nation = figures(national)
    assert nation.level == "region"
    assert sorted((row.label, row.counts["submitted"]) for row in nation.rows) == [
        ("Kantor Wilayah Uji", 5),
        ("Wilayah Lain", 4),
    ]
    assert nation.total.counts["submitted"] == 9
    # A filter outside the scope finds nothing rather than widening it.
    assert figures(head_jakarta, filters=Filters(branch_id=elsewhere.pk)).total.counts.get("submitted", 0) == 0
    assert references("submitted", head_jakarta, filters=Filters(branch_id=elsewhere.pk)) == []


def test_branch_far_above_its_region_is_flagged(region, jakarta, jayapura, regional):
    from tests.factories import BranchFactory

    third = BranchFactory(region=region, name="Cabang Ketiga")
    day = local(WEEK)
    # Jakarta 12/20 = 60%, Jayapura 2/20 = 10%, third 2/20 = 10%: region 16/60 = 26.7%.
    for branch, cancelled in ((jakarta, 12), (jayapura, 2), (third, 2)):
        for n in range(20):
            if n < cancelled:
                claim_row(branch, submitted_at=day, status=Status.CANCELLED, cancel_reason=CancelReason.UPLOAD_FAILED)
            else:
                claim_row(branch, submitted_at=day)
    rows = {row.label: row for row in figures(regional, sort="ecancel", descending=True).rows}
    assert rows[jakarta.name].flags == {"ecancel"}
    assert rows[jayapura.name].flags == set()
    ordered = [row.label for row in figures(regional, sort="ecancel", descending=True).rows]
    assert ordered[0] == jakarta.name
    ordered = [row.label for row in figures(regional, sort="ecancel").rows]
    assert ordered[-1] == jakarta.name


def test_custom_period_spans_whole_local_days(jayapura, national):
    claim_row(jayapura, submitted_at=local(WEEK, 0, 5, zone=JAYAPURA))
    claim_row(jayapura, submitted_at=local(WEEK + dt.timedelta(days=2), 23, 55, zone=JAYAPURA))
    period = custom_period(WEEK, WEEK + dt.timedelta(days=2))
    assert figures(national, period=period).total.counts["submitted"] == 2
    period = custom_period(WEEK + dt.timedelta(days=1), WEEK + dt.timedelta(days=1))
    assert figures(national, period=period).total.counts.get("submitted", 0) == 0


def test_reupload_rate_counts_automatic_rejections_the_claimant_has_since_replaced(
    jakarta, national, django_capture_on_commit_callbacks
):
    """Issue 14: three bad photos replaced by good ones used to leave 0 automatic rejections."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from documents.services import document_upload
    from tests.documents import corpus
    from tests.factories import make_claim, make_jpeg

    claim = make_claim(branch=jakarta)
    types = [r.document_type for r in claim.reason.requirements.filter(required=True).select_related("document_type")]
    for index, document_type in enumerate(types[:3]):
        for content in (corpus.blurred_jpeg(), make_jpeg(text=f"bagus {index}")):
            with django_capture_on_commit_callbacks(execute=True):
                document_upload(claim=claim, document_type=document_type, uploaded=SimpleUploadedFile("f.jpg", content))

    now = timezone.now()
    today = now.astimezone(JAKARTA).date()
    around_now = custom_period(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    result = dashboard_figures(national, EVERYTHING, around_now, now=now, use_cache=False)
    reupload = result.total.ratios["reupload"]
    assert (reupload.numerator, reupload.denominator) == (3, 6)
    assert {code: ratio.numerator for code, ratio in result.reupload} == {"image_blurry": 3}
    _columns, rows = drilldown("auto_rejected", national, EVERYTHING, around_now, now=now)
    assert {row[-2] for row in rows} == {DocumentStatus.REPLACED}


# --- claims expired by stage --------------------------------------------------------------


def _expired(branch, *, on: dt.datetime, reason: str, history: list[str], note: str = "expiry", **kwargs):
    """A claim cancelled out of the last status of ``history`` (its note: the expiry sweep's or an officer's)."""
    claim = claim_row(
        branch,
        status=Status.CANCELLED,
        cancel_reason=reason,
        closed_at=on,
        history=history,
        **{"submitted_at": None, **kwargs},
    )
    # The history is append-only: the cancellation's row is written as claim_cancel writes it.
    ClaimEvent.objects.create(
        claim=claim, at=on, from_status=history[-1] if history else Status.DRAFT, to_status=Status.CANCELLED,
        reason=reason, note=note,
    )  # fmt: skip
    return claim


_FIX = [Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX]
_CALL = [Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW, Status.INTERVIEW_SCHEDULED, Status.FAILED_CONFIRMATION]


def test_claims_expired_by_stage_count_only_what_the_expiry_sweeps_cancelled(jakarta, national):
    day = local(WEEK + dt.timedelta(days=3))
    sent = local(WEEK - dt.timedelta(days=20))
    drafts = [_expired(jakarta, on=day, reason=CancelReason.EXPIRED, history=[]) for _ in range(2)]
    fixes = [
        _expired(jakarta, on=day, reason=CancelReason.UPLOAD_FAILED, history=_FIX, submitted_at=sent),
        _expired(
            jakarta, on=day, reason=CancelReason.INCOMPLETE_DOCUMENTS, history=_FIX, submitted_at=sent,
            channel=Channel.DROPBOX,
        ),
    ]  # fmt: skip
    call = _expired(jakarta, on=day, reason=CancelReason.FAILED_CONFIRMATION, history=_CALL, submitted_at=sent)
    # Not expiries: an officer's cancellation, the claimant's own, one outside the period.
    _expired(jakarta, on=day, reason=CancelReason.INCOMPLETE_DOCUMENTS, history=_FIX, submitted_at=sent, note="")
    _expired(jakarta, on=day, reason=CancelReason.CLAIMANT_REQUEST, history=[], note="")
    _expired(jakarta, on=local(WEEK + dt.timedelta(days=8)), reason=CancelReason.EXPIRED, history=[])

    result = figures(national)
    assert {stage: count for stage, _label, count, _url in result.expired} == {
        "draft": 2,
        "needs_fix": 2,
        "interview": 1,
    }
    assert references("expired_draft", national) == sorted(c.reference for c in drafts)
    assert references("expired_needs_fix", national) == sorted(c.reference for c in fixes)
    assert references("expired_interview", national) == [call.reference]
    # Scoped by the filters like every figure: the dropbox one only under "dropbox".
    dropbox = figures(national, filters=Filters(channel=Channel.DROPBOX))
    assert {stage: count for stage, _label, count, _url in dropbox.expired} == {
        "draft": 0,
        "needs_fix": 1,
        "interview": 0,
    }
    # Per row of the table too (the branch's row of its region).
    [row] = result.rows
    assert (row.counts["expired_draft"], row.counts["expired_needs_fix"], row.counts["expired_interview"]) == (2, 2, 1)


def test_claims_the_real_expiry_sweeps_cancel_are_counted_at_their_stage(jakarta, national, settings):
    import time_machine

    from documents.services import claims_expiry_sweep
    from interviews.services.expiry import interviews_expiry_sweep
    from tests.factories import make_claim

    settings.CLAIM_DRAFT_NUDGE_DAYS = settings.CLAIM_FIX_NUDGE_DAYS = 3
    settings.CLAIM_DRAFT_EXPIRE_DAYS = settings.CLAIM_FIX_EXPIRE_DAYS = 10
    settings.CLAIM_CONFIRMATION_EXPIRE_DAYS = 5
    start = local(dt.date(2026, 11, 2))  # a Monday; no holiday in November 2026
    with time_machine.travel(start, tick=False):
        draft = make_claim(branch=jakarta)
        fix = claim_row(jakarta, submitted_at=start, status=Status.NEEDS_FIX)
        call = claim_row(jakarta, submitted_at=start, status=Status.FAILED_CONFIRMATION, history=_CALL)
    end = local(dt.date(2026, 11, 20))  # 14 working days later
    with time_machine.travel(end, tick=False):
        claims_expiry_sweep()
        interviews_expiry_sweep()
    for claim in (draft, fix, call):
        claim.refresh_from_db()
        assert claim.status == Status.CANCELLED

    result = dashboard_figures(national, EVERYTHING, week_period(end.date()), now=end, use_cache=False)
    assert {stage: count for stage, _label, count, _url in result.expired} == {
        "draft": 1,
        "needs_fix": 1,
        "interview": 1,
    }


def test_expired_by_stage_takes_as_many_queries_for_many_claims_as_for_one(region, national):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import BranchFactory

    day = local(WEEK + dt.timedelta(days=3))

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            figures(national)
        return len(queries)

    _expired(BranchFactory(region=region), on=day, reason=CancelReason.EXPIRED, history=[])
    few = count_queries()
    for _ in range(4):
        branch = BranchFactory(region=region)
        _expired(branch, on=day, reason=CancelReason.EXPIRED, history=[])
        _expired(branch, on=day, reason=CancelReason.FAILED_CONFIRMATION, history=_CALL, submitted_at=day)
    assert count_queries() == few
    assert {stage: count for stage, _label, count, _url in figures(national).expired}["draft"] == 5

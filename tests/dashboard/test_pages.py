"""The dashboard pages: who may see them, what they show, drill-down lists and CSV exports."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.http import StreamingHttpResponse
from django.urls import reverse

from claims.models import CancelReason, Channel, Status
from core.staff import Role
from reports.figures import DEFINITIONS
from tests.factories import StaffFactory

from .conftest import WEEK, claim_row, client_for, local

pytestmark = pytest.mark.django_db

WEEK_QUERY = {"periode": "minggu", "minggu": WEEK.isoformat()}


@pytest.fixture
def week_of_claims(jakarta, jayapura):
    day = local(WEEK + dt.timedelta(days=1))
    made = []
    for n in range(10):
        if n < 3:
            made.append(
                claim_row(jakarta, submitted_at=day, status=Status.CANCELLED, cancel_reason=CancelReason.UPLOAD_FAILED)
            )
        else:
            made.append(claim_row(jakarta, submitted_at=day))
    made.append(claim_row(jayapura, submitted_at=day, channel=Channel.DROPBOX))
    return made


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_officers_have_no_dashboard(jakarta):
    officer = StaffFactory(branch=jakarta, role=Role.OFFICER)
    client = client_for(officer)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:dashboard_list"), {"m": "submitted"}).status_code == 403
    assert client.get(reverse("reports:dashboard_table_csv")).status_code == 403


def test_dashboard_needs_a_staff_login(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_dashboard_shows_each_figure_with_its_definition_and_svg_trends(week_of_claims, regional):
    response = client_for(regional).get(reverse("reports:dashboard"), WEEK_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "30,0%" in html  # 3 of 10 electronic claims cancelled, upload failed
    for key in (
        "ecancel",
        "expired",
        "failed_confirmation",
        "channel_mix",
        "reminders",
        "time_to_decision",
        "reupload",
    ):
        assert str(DEFINITIONS[key])[:60] in html
    assert 'id="angka-kedaluwarsa"' in html  # claims expired by stage, beside the cancellation rate
    assert html.count('<svg class="trend"') == 3
    assert "Cabang Jakarta Uji" in html
    assert "Cabang Jayapura Uji" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_every_number_drills_down_to_the_claims_it_counts(week_of_claims, regional):
    client = client_for(regional)
    page = client.get(reverse("reports:dashboard"), WEEK_QUERY)
    html = page.content.decode()
    link = reverse("reports:dashboard_list") + "?"
    assert link in html
    response = client.get(reverse("reports:dashboard_list"), {**WEEK_QUERY, "m": "ecancel"})
    assert response.status_code == 200
    listed = response.content.decode()
    cancelled = [claim.reference for claim in week_of_claims[:3]]
    assert all(reference in listed for reference in cancelled)
    assert week_of_claims[5].reference not in listed
    assert "Siti" not in listed
    assert "3174011205900003" not in listed


def test_list_and_table_export_as_streamed_csv(week_of_claims, regional, jakarta):
    client = client_for(regional)
    rows = _csv(client.get(reverse("reports:dashboard_list_csv"), {**WEEK_QUERY, "m": "electronic"}))
    assert len(rows) == 1 + 10
    assert sorted(row[0] for row in rows[1:]) == sorted(claim.reference for claim in week_of_claims[:10])
    table = _csv(client.get(reverse("reports:dashboard_table_csv"), WEEK_QUERY))
    by_name = {row[0]: row for row in table[1:]}
    assert by_name[jakarta.name][3:5] == ["3", "30.0"]
    assert by_name["Jumlah"][1] == "11"


def test_unknown_measure_is_not_found(regional):
    assert client_for(regional).get(reverse("reports:dashboard_list"), {"m": "nik"}).status_code == 404


def test_branch_manager_cannot_widen_the_scope_with_a_filter(week_of_claims, jayapura, jakarta):
    head = StaffFactory(branch=jayapura, role=Role.BRANCH_MANAGER)
    client = client_for(head)
    response = client.get(reverse("reports:dashboard_list"), {**WEEK_QUERY, "m": "submitted", "cabang": jakarta.pk})
    assert week_of_claims[0].reference not in response.content.decode()
    rows = _csv(client.get(reverse("reports:dashboard_list_csv"), {**WEEK_QUERY, "m": "submitted"}))
    assert [row[0] for row in rows[1:]] == [week_of_claims[-1].reference]


def test_table_sorts_by_a_rate(week_of_claims, regional, jakarta, jayapura):
    html = client_for(regional).get(reverse("reports:dashboard"), {**WEEK_QUERY, "urut": "ecancel", "arah": "turun"})
    text = html.content.decode()
    table = text[text.index('id="tabel"') :]
    assert table.index(jakarta.name) < table.index(jayapura.name)


def test_counts_are_cached_briefly_and_the_page_says_so(week_of_claims, regional, jakarta, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    client = client_for(regional)
    first = client.get(reverse("reports:dashboard"), WEEK_QUERY).content.decode()
    assert "simpanan sementara" not in first
    claim_row(jakarta, submitted_at=local(WEEK + dt.timedelta(days=2)))
    second = client.get(reverse("reports:dashboard"), WEEK_QUERY)
    assert "simpanan sementara" in second.content.decode()
    assert second.context["figures"].total.counts["submitted"] == 11  # the cached count
    settings.DASHBOARD_CACHE_SECONDS = 0
    third = client.get(reverse("reports:dashboard"), WEEK_QUERY)
    assert third.context["figures"].total.counts["submitted"] == 12


def test_weekly_summary_goes_once_to_each_manager_with_an_address(week_of_claims, regional, jakarta, settings):
    from reports.tasks import dashboard_weekly_summary_task

    settings.CELERY_TASK_ALWAYS_EAGER = True
    regional.email = "wilayah@example.invalid"
    regional.save()
    StaffFactory(branch=jakarta, role=Role.BRANCH_MANAGER)  # no address: nothing sent
    StaffFactory(branch=jakarta, role=Role.OFFICER, email="petugas@example.invalid")  # not a manager
    today = WEEK + dt.timedelta(days=8)  # Tuesday of the next week: the summary is about WEEK
    from unittest import mock

    with mock.patch("reports.figures.summary.timezone.localdate", return_value=today):
        assert dashboard_weekly_summary_task.apply().get() == 1
        dashboard_weekly_summary_task.apply().get()  # beat twice: nothing more
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wilayah@example.invalid"]
    assert "30,0%" in message.body
    assert "(3/10)" in message.body
    assert f"minggu={WEEK.isoformat()}" in message.body
    assert "3174011205900003" not in message.body

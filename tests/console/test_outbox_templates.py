"""The outbox tells staff which WhatsApp templates are not approved (their messages go by SMS)."""

import pytest
from django.urls import reverse

from notifications.models import TemplateStatus
from notifications.registry import _backend
from tests.factories import BranchFactory, StaffFactory
from tests.messages import templates_approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_whatsapp(settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "whatsapp", "sms": "twilio"}
    _backend.cache_clear()
    yield
    _backend.cache_clear()


def test_outbox_lists_the_templates_whatsapp_has_not_approved(client, real_whatsapp):
    templates_approved(except_variants=("claim_approved", "interview_booked_rescheduled"))
    TemplateStatus.objects.create(name="lapakasik_claim_approved", language="id", status="PAUSED")
    TemplateStatus.objects.create(
        name="lapakasik_claim_approved", language="en", status="REJECTED", reason="INVALID_FORMAT"
    )
    client.force_login(StaffFactory(branch=BranchFactory()))
    page = client.get(reverse("console:outbox")).content.decode()
    assert "4 template belum disetujui WhatsApp" in page
    assert "Dijeda" in page
    assert "INVALID_FORMAT" in page
    assert page.count("lapakasik_interview_booked_rescheduled<") == 2  # never synced, both languages
    assert "Belum tercatat" in page
    assert "lapakasik_claim_submitted<" not in page


def test_outbox_shows_no_template_panel_when_every_template_is_approved(client, real_whatsapp):
    templates_approved()
    client.force_login(StaffFactory(branch=BranchFactory()))
    assert 'id="templates-not-approved"' not in client.get(reverse("console:outbox")).content.decode()


def test_outbox_shows_no_template_panel_in_development(client, settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "outbox", "sms": "outbox"}
    _backend.cache_clear()
    client.force_login(StaffFactory(branch=BranchFactory()))
    assert 'id="templates-not-approved"' not in client.get(reverse("console:outbox")).content.decode()

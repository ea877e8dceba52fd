import importlib
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from .clamd import ClamdProcess, clamd_session
from .factories import BranchFactory, StaffFactory, make_claim
from .s3 import moto_server, use_s3


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test writes documents into its own folder, never the developer's var/."""
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def branch(db):
    return BranchFactory()


@pytest.fixture
def officer(branch):
    return StaffFactory(branch=branch)


@pytest.fixture
def draft_claim(branch):
    return make_claim(branch=branch)


@pytest.fixture
def seeded_catalogue(transactional_db):
    """Programmes, reasons and document requirements, as the data migration seeds them.

    Every transactional test (live server, real concurrency, a real worker) empties the
    tables when it ends, the migration-seeded catalogue included. serialized_rollback
    cannot restore it once Playwright's sync API has run in the thread (Django's
    thread-critical connection handler then hands out another connection object), so
    transactional tests ask for this fixture: it runs the migration's own idempotent
    seed function again.
    """
    from django.apps import apps

    importlib.import_module("claims.migrations.0002_catalogue").seed(apps, None)


@pytest.fixture(scope="session")
def clamd(tmp_path_factory) -> Iterator[ClamdProcess]:
    """A private clamd with an EICAR-only database; use clamd.use(settings) in a test."""
    yield from clamd_session(tmp_path_factory)


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on loopback for the whole session."""
    yield from moto_server()


@pytest.fixture
def s3(settings, monkeypatch, s3_endpoint):
    """Documents go to S3 (moto) for this test, with the production storage options."""
    return use_s3(settings, monkeypatch, s3_endpoint)

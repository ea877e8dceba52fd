import pytest
from django.core.cache import cache

from .factories import BranchFactory, StaffFactory, make_claim


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

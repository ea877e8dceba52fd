"""The private storage for claim documents: the filesystem in development, S3 in production."""

from typing import cast

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class DocumentsStorage(LazyObject):
    """storages["documents"], looked up when first used rather than when models load."""

    _wrapped: object  # the storage once set up; ``empty`` before, and again after STORAGES changes

    def _setup(self) -> None:
        self._wrapped = storages["documents"]


documents_storage_instance = DocumentsStorage()


def documents_storage() -> Storage:
    # The lazy object hands every attribute to storages["documents"]: to its callers it is that Storage.
    return cast(Storage, documents_storage_instance)


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        documents_storage_instance._wrapped = empty

"""The private storage for claim documents: the filesystem in development, S3 in production."""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class DocumentsStorage(LazyObject):
    """storages["documents"], looked up when first used rather than when models load."""

    def _setup(self) -> None:
        self._wrapped = storages["documents"]


documents_storage_instance = DocumentsStorage()


def documents_storage() -> DocumentsStorage:
    return documents_storage_instance


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        documents_storage_instance._wrapped = empty

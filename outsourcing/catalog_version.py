"""The catalog version: a random value in the default cache that every write to the
catalog replaces, so what is cached under it is rebuilt after an edit, in every
process sharing the cache (Redis when REDIS_URL is set).

Every write path bumps it: saves, deletes and many-to-many changes through signals
(fixture loads included), and `update()`, `bulk_create()`, `bulk_update()` and
`delete()` on a queryset through `CatalogQuerySet`. It also expires after
CATALOG_VERSION_SECONDS, so a write that reaches the database some other way (raw
SQL, a through table's own queryset) shows within that time.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction

KEY = "catalog-version"


def catalog_version() -> str:
    version = cache.get(KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(KEY, version, settings.CATALOG_VERSION_SECONDS):
            version = cache.get(KEY, version)
    return version


def bump_catalog_version() -> None:
    cache.set(KEY, uuid.uuid4().hex, settings.CATALOG_VERSION_SECONDS)


def catalog_changed(**kwargs) -> None:
    """Bump now, so this transaction reads its own writes, and again on commit, so no
    other process keeps rows from before the commit under the new version."""
    bump_catalog_version()
    transaction.on_commit(bump_catalog_version)


def catalog_m2m_changed(action: str, **kwargs) -> None:
    if action.startswith("post_"):
        catalog_changed()


class CatalogQuerySet(models.QuerySet):
    """Bulk writes send no signals, so they bump the catalog version themselves (the
    admin's bulk actions use `update()`). `bulk_update()` goes through `update()`."""

    def update(self, **kwargs) -> int:
        changed = super().update(**kwargs)
        catalog_changed()
        return changed

    def bulk_create(self, *args, **kwargs) -> list:
        created = super().bulk_create(*args, **kwargs)
        catalog_changed()
        return created

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted = super().delete()
        catalog_changed()
        return deleted

"""The app on its Redis backend (django-redis): an edit made by one process reaches another
sharing the Redis, and the catalog version never lives for ever."""

import redis
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from outsourcing import catalog_version
from tests.factories import LanguageFactory, VendorFactory


def test_an_edit_in_one_process_reaches_another_sharing_the_redis(client, db, redis_cache_settings):
    VendorFactory(languages=[LanguageFactory(code="de", name="German")])
    with override_settings(CACHES=redis_cache_settings):
        try:
            assert "German" in client.get("/advisor/").text
            # Another process renames the language: its own database write, and its
            # own connection to the same Redis for the bump.
            with connection.cursor() as cursor:
                cursor.execute("UPDATE outsourcing_language SET name = 'Deutsch'")
            other_process = caches.create_connection("default")
            other_process.set(catalog_version.KEY, "bumped-elsewhere", 60)
            assert "Deutsch" in client.get("/advisor/").text
        finally:
            caches["default"].clear()


def test_the_catalog_version_expires_in_redis(db, redis_cache_settings, settings):
    with override_settings(CACHES=redis_cache_settings):
        cache = caches["default"]
        server = redis.Redis.from_url(redis_cache_settings["default"]["LOCATION"])
        key = cache.make_and_validate_key(catalog_version.KEY)
        try:
            catalog_version.catalog_version()
            assert 0 < server.ttl(key) <= settings.CATALOG_VERSION_SECONDS
            catalog_version.bump_catalog_version()
            assert 0 < server.ttl(key) <= settings.CATALOG_VERSION_SECONDS
        finally:
            cache.clear()

"""The app's Redis backend: Django's own, keeping one redis-py client per pool."""

from django.core.cache import caches
from django.test import override_settings


def test_the_redis_backend_keeps_its_client_and_works_as_django_s(redis_cache_settings):
    with override_settings(CACHES=redis_cache_settings):
        cache = caches["default"]
        try:
            client = cache._cache.get_client("a")
            assert cache._cache.get_client("b", write=True) is client
            cache.set("page", ("<p>hi</p>", {"csp_nonce": "hole"}), 60)
            assert cache.add("count", 0) and cache.incr("count") == 1
            assert cache.get_many(["page", "count", "absent"]) == {
                "page": ("<p>hi</p>", {"csp_nonce": "hole"}),
                "count": 1,
            }
            assert not cache.add("count", 5)
            cache.delete("page")
            assert cache.get("page") is None
        finally:
            cache.clear()

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command

from tests.factories import ServiceFactory, VendorFactory, catalog_editor


def transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    marked = marker is not None and marker.kwargs.get("transaction", False)
    fixtures = getattr(item, "fixturenames", ())
    return marked or "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]):
    """Transactional tests (the browser's live server, the backup) leave every table
    empty when they end, rows made by data migrations included, so they run last, as
    Django orders them. pytest-randomly 5 shuffles after pytest-django has ordered the
    tests; this outer wrapper puts the transactional ones back at the end, keeping the
    shuffle within each group (the sort is stable)."""
    result = yield
    items.sort(key=transactional)
    return result


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached catalog data and fragments belong
    to the database contents of the test that made them."""
    for alias in ("default", "rendered"):
        caches[alias].clear()
    yield
    for alias in ("default", "rendered"):
        caches[alias].clear()


@pytest.fixture
def editor_client(client, db):
    client.force_login(catalog_editor())
    return client


@pytest.fixture
def market_research(db):
    """The expert service Market research, offered by one vendor, Krakow Insight."""
    research = ServiceFactory(name="Market research", slug="market-research", kpo=True)
    VendorFactory(name="Krakow Insight", slug="krakow-insight", services=[research])
    return research


@pytest.fixture
def shipped_catalog(db):
    """The shipped catalog and sample vendors: what a visitor would really see."""
    call_command("load_catalog", verbosity=0)


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}


@pytest.fixture
def redis_cache_settings():
    """CACHES for the Redis backend settings.py uses (django-redis) on a test database
    of the local Redis, with a key prefix of its own. CI must have Redis; elsewhere the
    test is skipped."""
    redis = pytest.importorskip("redis")
    location = "redis://127.0.0.1:6379/10"
    try:
        redis.Redis.from_url(location).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("no Redis on 127.0.0.1:6379: CI must provide it.")
        pytest.skip("no Redis on 127.0.0.1:6379")
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid.uuid4()}",
        },
        "rendered": settings.CACHES["rendered"],
    }

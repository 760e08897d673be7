import pytest
from django.core.cache import cache

from tests.factories import catalog_editor


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached catalog data and pages belong to
    the database contents of the test that made them (outsourcing/caching.py)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor_client(client, db):
    client.force_login(catalog_editor())
    return client


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}

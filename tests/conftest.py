import pytest

from tests.factories import catalog_editor


@pytest.fixture
def editor_client(client, db):
    client.force_login(catalog_editor())
    return client


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}

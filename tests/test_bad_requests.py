"""Requests the app cannot read: a body in another charset than UTF-8, NUL characters.
Each gets a 400 page with a sentence a person understands and the usual security
headers, and at most a warning in the log."""

import logging
from urllib.parse import urlencode

import pytest
from django.test import Client

from advisor.models import Recommendation
from tests.factories import EXPERT_ANSWERS

POST_URLS = ["/advisor/", "/advisor/preview/", "/admin/login/", "/admin/logout/"]
CHARSET_MESSAGE = "The form arrived in a text encoding other than UTF-8"
NUL_MESSAGE = "The request holds a NUL character"


@pytest.fixture
def browser_client():
    """A client that checks CSRF tokens as a browser's requests are checked, and that
    carries a CSRF cookie, as a returning visitor does."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "x" * 32
    return client


def assert_refused(response, message, caplog):
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<h1>" in response.content.decode()
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert max(record.levelno for record in caplog.records) == logging.WARNING


@pytest.mark.parametrize("url", POST_URLS)
@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=base64",
        "multipart/form-data; boundary=xx; charset=base64",
    ],
)
@pytest.mark.django_db
def test_a_form_in_another_charset_gets_a_400_page(browser_client, caplog, url, content_type):
    response = browser_client.generic(
        "POST", url, b"task_complexity=3&x=1", content_type=content_type
    )
    assert_refused(response, CHARSET_MESSAGE, caplog)


@pytest.mark.django_db
def test_a_form_declaring_utf_8_goes_through(client):
    response = client.generic(
        "POST",
        "/advisor/preview/",
        "task_complexity=3&skill_scarcity=3&decision_authority=3",
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code == 200
    assert response.context["answered_count"] == 3


@pytest.mark.parametrize(
    "url",
    [
        "/vendors/?q=%00",
        "/advisor/?service=data%00entry",
        f"/advisor/?from={'A' * 23}%00",
        "/admin/login/?next=%00",
    ],
)
@pytest.mark.django_db
def test_nul_in_a_query_string_gets_a_400_page(browser_client, caplog, url):
    assert_refused(browser_client.get(url), NUL_MESSAGE, caplog)


@pytest.mark.django_db
def test_nul_in_a_form_field_gets_a_400_page_and_saves_nothing(client, caplog):
    body = urlencode({**EXPERT_ANSWERS, "countries": "P\x00L"})
    response = client.post("/advisor/", body, content_type="application/x-www-form-urlencoded")
    assert_refused(response, NUL_MESSAGE, caplog)
    assert not Recommendation.objects.exists()

"""Every kind of page carries the strict policy: scripts only from this origin, nothing
inline or evaluated, no plugins, no <base>, no framing."""

import re
import uuid

import pytest
from django.urls import reverse

from advisor.models import Recommendation
from tests.factories import EXPERT_ANSWERS, WORK, ServiceFactory, VendorFactory, catalog_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(client):
    service = ServiceFactory(name="Market research", slug="market-research", kpo=True)
    vendor = VendorFactory(name="Krakow Insight", slug="krakow-insight", services=[service])
    client.post(
        "/advisor/", {"submission_id": str(uuid.uuid4()), **WORK, **EXPERT_ANSWERS}
    )  # a saved recommendation
    return {"service": service, "vendor": vendor, "recommendation": Recommendation.objects.get()}


PAGES = {
    "home": lambda site: ("get", "/"),
    "service list": lambda site: ("get", "/services/"),
    "service": lambda site: ("get", site["service"].get_absolute_url()),
    "vendor directory": lambda site: ("get", "/vendors/?service=market-research"),
    "vendor": lambda site: ("get", site["vendor"].get_absolute_url()),
    "questionnaire": lambda site: ("get", "/advisor/"),
    "questionnaire with errors": lambda site: ("post", "/advisor/"),
    "live preview": lambda site: ("post", "/advisor/preview/"),
    "recommendation": lambda site: ("get", site["recommendation"].get_absolute_url()),
    "recommendation PDF": lambda site: (
        "get",
        reverse("advisor:recommendation_pdf", args=[site["recommendation"].token]),
    ),
    "not found": lambda site: ("get", "/services/no-such-service/"),
    "admin login": lambda site: ("get", "/admin/login/"),
    "admin index": lambda site: ("admin", "/admin/"),
    "admin changelist": lambda site: ("admin", "/admin/outsourcing/service/"),
    "admin change form": lambda site: (
        "admin",
        f"/admin/outsourcing/service/{site['service'].pk}/change/",
    ),
}


@pytest.mark.parametrize("kind", PAGES)
def test_every_page_type_carries_the_strict_policy(client, site, kind):
    method, url = PAGES[kind](site)
    if method == "admin":
        client.force_login(catalog_editor())
        response = client.get(url)
    elif method == "post":
        response = client.post(url, {"task_complexity": "2"})
    else:
        response = client.get(url)
    assert response.status_code < 500

    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "http" not in policy  # no other origin is ever allowed

    html = response.content.decode(errors="replace")
    for tag in re.findall(r"<script\b[^>]*>", html):
        # Every script is a file from this origin: no inline code, so no nonce either.
        assert 'src="/' in tag, tag
        assert "nonce" not in tag, tag


def test_htmx_injects_no_styles_and_evaluates_nothing(client, site):
    html = client.get("/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1)
    assert '"includeIndicatorStyles": false' in config
    assert '"allowEval": false' in config

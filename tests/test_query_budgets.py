"""Pinned query counts for every public page and fragment, with 10 and with 2,000 vendors.

Counts are for a page with the catalog data warm (as it is after the first request
following an edit): what the view itself asks the database each time. No query may
run while a template renders: everything a template shows is read in the view.
"""

import contextlib
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.template import base as template_base
from django.test.utils import CaptureQueriesContext

from advisor import catalog_inputs, services
from advisor.engine import Factor, Task
from outsourcing.catalog_version import catalog_version
from outsourcing.models import Service, Vendor
from outsourcing.views import directory_choices
from tests.factories import WORK

MAX_QUERIES = 6
ANSWERS = {"task_complexity": "4", "skill_scarcity": "5", "decision_authority": "4"}


@contextlib.contextmanager
def no_query_while_rendering():
    """Fail on any query made inside Template.render (at any depth)."""
    depth = [0]
    offending: list[str] = []
    original = template_base.Template.render

    def render(self, context):
        depth[0] += 1
        try:
            return original(self, context)
        finally:
            depth[0] -= 1

    def watch(execute, sql, params, many, context):
        if depth[0]:
            offending.append(sql)
        return execute(sql, params, many, context)

    template_base.Template.render = render
    try:
        with connection.execute_wrapper(watch):
            yield
    finally:
        template_base.Template.render = original
    assert not offending, f"queries while a template rendered: {offending}"


def warm_catalog() -> None:
    catalog_inputs.scoring_parameters()
    catalog_inputs.questionnaire_choices()
    catalog_inputs.questionnaire_services()
    catalog_inputs.service_candidates()
    catalog_inputs.cost_inputs()
    directory_choices(catalog_version())


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """The pages' own queries; the limits' counters are pinned in test_rate_limits.py."""
    settings.ADVISOR_RATE_LIMITS = False


@pytest.fixture(params=[10, 2000], ids=["10-vendors", "2000-vendors"])
def generated_catalog(request, db):
    call_command("generate_catalog", vendors=request.param, services=6, seed=3, verbosity=0)
    service = Service.objects.active().first()
    vendor = Vendor.objects.active().filter(services=service).first()
    recommendation = services.recommendation_create(
        task=Task("Customer research"),
        answers={Factor(key): int(value) for key, value in ANSWERS.items()},
        preferences={"countries": ["PH"], "languages": ["en"]},
    )
    cache.clear()
    warm_catalog()
    return {"service": service, "vendor": vendor, "recommendation": recommendation}


def count(client, method: str, url: str, **kwargs) -> tuple[int, object]:
    with no_query_while_rendering(), CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code < 400 or response.status_code == 503, response.status_code
    return len(queries), response


def pages(generated_catalog) -> list[tuple[str, str, str, dict, int]]:
    """(name, method, url, request kwargs, pinned count)."""
    service, vendor = generated_catalog["service"], generated_catalog["vendor"]
    token = generated_catalog["recommendation"].token
    country = vendor.delivery_countries[0].code
    return [
        ("home", "get", "/", {}, 2),
        ("catalog", "get", "/services/", {}, 2),
        ("service page", "get", service.get_absolute_url(), {}, 2),
        ("directory", "get", f"/vendors/?country={country}&service={service.slug}", {}, 3),
        (
            "directory fragment",
            "get",
            f"/vendors/?country={country}&page=1",
            {"headers": {"HX-Request": "true"}},
            3,
        ),
        ("vendor page", "get", vendor.get_absolute_url(), {}, 4),
        ("questionnaire", "get", "/advisor/", {}, 0),
        ("questionnaire from a service", "get", f"/advisor/?service={service.slug}", {}, 1),
        ("questionnaire from a link", "get", f"/advisor/?from={token}", {}, 1),
        ("live preview", "post", "/advisor/preview/", {"data": ANSWERS}, 0),
        (
            "submit",
            "post",
            "/advisor/",
            {"data": {**ANSWERS, **WORK, "submission_id": str(uuid.uuid4())}},
            6,  # the best vendors, their profiles, their contacts; savepoint, insert, release
        ),
        # Whether the link exists, then its row; once kept, the page needs only the first.
        ("recommendation page", "get", f"/r/{token}/", {}, 2),
        ("recommendation page again", "get", f"/r/{token}/", {}, 1),
        # The first download finds no stored PDF, reads the brief, draws the PDF and
        # stores it (get_or_create); the next finds the brief, then reads the stored
        # bytes; once they are kept, a download needs only the first.
        ("recommendation PDF", "get", f"/r/{token}/pdf/", {}, 6),
        ("recommendation PDF again", "get", f"/r/{token}/pdf/", {}, 2),
        ("recommendation PDF kept", "get", f"/r/{token}/pdf/", {}, 1),
    ]


def test_every_page_keeps_its_query_budget(client, generated_catalog):
    counts = {}
    for name, method, url, kwargs, _ in pages(generated_catalog):
        counts[name] = count(client, method, url, **kwargs)[0]
    assert counts == {name: pinned for name, _, _, _, pinned in pages(generated_catalog)}
    assert max(counts.values()) <= MAX_QUERIES


def test_the_questionnaire_needs_no_query(client, generated_catalog):
    client.get("/advisor/")
    queries, response = count(client, "get", "/advisor/")
    assert (queries, response.status_code) == (0, 200)


def test_a_repeat_visit_to_a_recommendation_is_not_modified(client, generated_catalog):
    """One query: whether the link still exists."""
    url = f"/r/{generated_catalog['recommendation'].token}/"
    etag = client.get(url)["ETag"]
    cache.clear()
    queries, response = count(client, "get", url, headers={"If-None-Match": etag})
    assert (queries, response.status_code) == (1, 304)


def test_catalog_data_rebuilds_in_constant_queries(client, generated_catalog):
    """After an edit, the first submit reads the catalog again: a fixed number of
    queries however many vendors there are."""
    cache.clear()
    data = {**ANSWERS, **WORK, "submission_id": str(uuid.uuid4())}
    queries, _ = count(client, "post", "/advisor/", data=data)
    # 11 for matching and scoring, 5 for the cost data, 1 for the shown vendors' contacts,
    # 1 for the names of the currencies the form offers.
    assert queries == 18


def test_a_recommendation_shows_each_host_its_own_link_and_goes_when_deleted(
    client, generated_catalog, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "advisor.example"]
    recommendation = generated_catalog["recommendation"]
    url = f"/r/{recommendation.token}/"
    assert f"http://testserver{url}" in client.get(url).text
    assert f"http://advisor.example{url}" in client.get(url, HTTP_HOST="advisor.example").text
    recommendation.delete()
    assert client.get(url).status_code == 404

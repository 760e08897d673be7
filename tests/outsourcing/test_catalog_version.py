"""The catalog version: every way of writing the catalog reaches what a buyer sees at
once (the directory, the questionnaire, a new recommendation), whatever was cached
before the write; and the version itself never lives for ever."""

import json
import re
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from advisor.models import Recommendation
from outsourcing import catalog_version
from outsourcing.models import Service, Vendor
from tests.factories import EXPERT_ANSWERS, WORK, ServiceFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def research_vendors():
    """An expert service and two real (not sample) vendors offering it, so an editor's
    verification shows."""
    research = ServiceFactory(name="Market research", slug="market-research", kpo=True)
    return {
        "research": research,
        "krakow": VendorFactory(
            name="Krakow Insight", slug="krakow-insight", services=[research], is_sample=False
        ),
        "lisbon": VendorFactory(
            name="Lisbon Analytics", slug="lisbon", services=[research], is_sample=False
        ),
    }


def directory_page(client, query: str = "") -> str:
    return client.get(f"/vendors/{query}").text


def new_recommendation_vendors(client) -> list[str]:
    client.post("/advisor/", {**WORK, **EXPERT_ANSWERS, "submission_id": str(uuid.uuid4())})
    return [match["name"] for match in Recommendation.objects.latest("pk").vendors]


def warm(client) -> None:
    """Fill every cache a buyer's visit fills."""
    directory_page(client)
    client.get("/advisor/")
    new_recommendation_vendors(client)


def test_a_vendor_deactivated_by_the_admin_bulk_action_disappears_at_once(
    client, admin_client, research_vendors
):
    warm(client)
    admin_client.post(
        reverse("admin:outsourcing_vendor_changelist"),
        {"action": "deactivate", "_selected_action": [research_vendors["krakow"].pk]},
    )
    assert "Krakow Insight" not in directory_page(client)
    assert new_recommendation_vendors(client) == ["Lisbon Analytics"]


def test_a_vendor_deactivated_with_update_disappears_at_once(client, research_vendors):
    warm(client)
    Vendor.objects.filter(slug="krakow-insight").update(is_active=False)
    assert "Krakow Insight" not in directory_page(client)
    assert new_recommendation_vendors(client) == ["Lisbon Analytics"]


def test_a_vendor_verified_by_the_admin_bulk_action_shows_as_verified(
    client, admin_client, research_vendors
):
    warm(client)
    assert "Verified" not in directory_page(client)
    admin_client.post(
        reverse("admin:outsourcing_vendor_changelist"),
        {"action": "mark_verified", "_selected_action": [research_vendors["krakow"].pk]},
    )
    assert "Verified" in directory_page(client)
    assert new_recommendation_vendors(client)[0] == "Krakow Insight"


def test_bulk_created_vendors_show_at_once(client, research_vendors):
    warm(client)
    Vendor.objects.bulk_create([VendorFactory.build(name="Tallinn Data", slug="tallinn")])
    assert "Tallinn Data" in directory_page(client)


def test_bulk_updated_vendors_show_at_once(client, research_vendors):
    warm(client)
    krakow = research_vendors["krakow"]
    krakow.name = "Krakow Research"
    Vendor.objects.bulk_update([krakow], ["name"])
    assert "Krakow Research" in directory_page(client)
    assert "Krakow Research" in new_recommendation_vendors(client)


def test_deleted_vendors_disappear_at_once(client, research_vendors):
    warm(client)
    Vendor.objects.filter(slug="krakow-insight").delete()
    assert "Krakow Insight" not in directory_page(client)
    assert new_recommendation_vendors(client) == ["Lisbon Analytics"]


def test_a_service_retired_with_update_disappears_from_new_recommendations(
    client, research_vendors
):
    warm(client)
    Service.objects.filter(slug="market-research").update(is_active=False)
    client.post("/advisor/", {**WORK, **EXPERT_ANSWERS, "submission_id": str(uuid.uuid4())})
    assert Recommendation.objects.latest("pk").services == []


def test_a_service_added_to_a_vendor_shows_at_once(client, research_vendors):
    keying = ServiceFactory(name="Data entry", slug="data-entry")
    assert "Krakow Insight" not in directory_page(client, "?service=data-entry")
    research_vendors["krakow"].services.add(keying)
    assert "Krakow Insight" in directory_page(client, "?service=data-entry")


def test_vendors_loaded_from_a_fixture_show_at_once(client, research_vendors, tmp_path):
    warm(client)
    vendor = VendorFactory.build(name="Tallinn Data", slug="tallinn")
    fields = {
        field.name: field.value_from_object(vendor)
        for field in Vendor._meta.concrete_fields
        if not field.primary_key
    }
    fields |= {"delivery_countries": "PH", "headquarters": "PH", "languages": []}
    fields |= {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    fields |= {"services": [research_vendors["research"].pk], "certifications": []}
    fixture = tmp_path / "vendors.json"
    fixture.write_text(
        json.dumps([{"model": "outsourcing.vendor", "pk": 9000, "fields": fields}], default=str)
    )
    call_command("loaddata", fixture, verbosity=0)
    assert "Tallinn Data" in directory_page(client)
    assert "Tallinn Data" in new_recommendation_vendors(client)


def test_a_catalog_edit_renews_the_cached_question_fields(client, research_vendors):
    client.get("/advisor/")
    keyers = VendorFactory(name="Tallinn Data", slug="tallinn", delivery_countries=["EE"])
    # The buyer's own country lists every country; delivery countries only those in use.
    assert 'name="countries" value="EE"' in client.get("/advisor/").text
    keyers.delivery_countries = ["LV"]
    keyers.save()
    renewed = client.get("/advisor/").text
    assert 'name="countries" value="LV"' in renewed
    assert 'name="countries" value="EE"' not in renewed


SUBMISSION_ID = re.compile(r'name="submission_id" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_each_questionnaire_gets_its_own_token_and_submission_id(client, research_vendors):
    first, second = client.get("/advisor/"), client.get("/advisor/")
    for pattern in (SUBMISSION_ID, CSRF_TOKEN):
        assert pattern.search(first.text)[1] != pattern.search(second.text)[1]


def test_only_pages_with_a_form_set_a_csrf_cookie(client, research_vendors):
    new_recommendation_vendors(client)
    link = Recommendation.objects.get().get_absolute_url()
    for url in ("/", "/vendors/", "/services/", link):
        client.cookies.clear()
        response = client.get(url)
        assert response.status_code == 200
        assert "csrftoken" not in response.cookies, url
    client.cookies.clear()
    assert "csrftoken" in client.get("/advisor/").cookies


def test_the_version_is_made_once_and_replaced_by_a_bump(db):
    version = catalog_version.catalog_version()
    assert catalog_version.catalog_version() == version
    catalog_version.bump_catalog_version()
    assert catalog_version.catalog_version() != version


def test_a_lost_version_is_made_anew_and_the_pages_follow(client, research_vendors):
    assert "Krakow Insight" in directory_page(client)
    # A write no signal sees, then the version's lifetime runs out.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE outsourcing_vendor SET is_active = %s WHERE slug = %s",
            [False, "krakow-insight"],
        )
    cache.delete(catalog_version.KEY)
    assert "Krakow Insight" not in directory_page(client)
    assert new_recommendation_vendors(client) == ["Lisbon Analytics"]


def test_a_write_bumps_again_when_it_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        Vendor.objects.filter(pk=0).update(is_active=False)
        version = catalog_version.catalog_version()
    assert callbacks == [catalog_version.bump_catalog_version]
    callbacks[0]()
    assert catalog_version.catalog_version() != version

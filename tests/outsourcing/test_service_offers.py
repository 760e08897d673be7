"""Matching's copies of each vendor (`ServiceOffer`) follow every way of writing the
catalog: after each write they are what a fresh copy of the whole catalog would be."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from outsourcing.models import (
    OFFER_COPIES,
    Certification,
    Language,
    ServiceOffer,
    Vendor,
    offers_of,
)
from tests.factories import CertificationFactory, LanguageFactory, ServiceFactory, VendorFactory

pytestmark = pytest.mark.django_db

COPIES = ["vendor_id", "service_id", *OFFER_COPIES]


def stored() -> list[tuple]:
    return sorted(ServiceOffer.objects.values_list(*COPIES))


def fresh() -> list[tuple]:
    everyone = list(Vendor.objects.values_list("pk", flat=True))
    return sorted(tuple(getattr(offer, name) for name in COPIES) for offer in offers_of(everyone))


@pytest.fixture
def vendors():
    research, support = ServiceFactory(slug="research"), ServiceFactory(slug="support")
    spanish = LanguageFactory(code="es", name="Spanish")
    iso = CertificationFactory()
    return {
        "research": research,
        "support": support,
        "spanish": spanish,
        "iso": iso,
        "lima": VendorFactory(
            name="Lima", services=[research, support], languages=[spanish], certifications=[iso]
        ),
        "quito": VendorFactory(name="Quito", services=[support]),
    }


def test_a_new_vendor_has_an_offer_for_each_service_with_its_codes(vendors):
    lima = ServiceOffer.objects.filter(vendor=vendors["lima"]).order_by("service__slug")
    assert [offer.service.slug for offer in lima] == ["research", "support"]
    ids = sorted([vendors["research"].pk, vendors["support"].pk])
    assert lima[0].service_ids == f",{ids[0]},{ids[1]},"
    assert lima[0].language_codes == ",es,"
    assert lima[0].certification_codes == ",iso-27001,"
    assert stored() == fresh()


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda v: Vendor.objects.filter(pk=v["lima"].pk).update(is_active=False),
            id="queryset-update-deactivates",
        ),
        pytest.param(
            lambda v: Vendor.objects.filter(name="Quito").update(name="Quito Ltd"),
            id="queryset-update-renames",
        ),
        pytest.param(
            lambda v: Vendor.objects.all().update(is_verified=True, is_sample=False),
            id="queryset-update-verifies",
        ),
        pytest.param(
            lambda v: setattr(v["lima"], "hourly_rate_min", 3) or v["lima"].save(), id="save"
        ),
        pytest.param(lambda v: v["lima"].delete(), id="vendor-deleted"),
        pytest.param(lambda v: v["quito"].services.add(v["research"]), id="service-added"),
        pytest.param(lambda v: v["lima"].services.remove(v["support"]), id="service-removed"),
        pytest.param(lambda v: v["lima"].services.clear(), id="services-cleared"),
        pytest.param(lambda v: v["research"].vendors.add(v["quito"]), id="vendor-added-to-service"),
        pytest.param(lambda v: v["support"].vendors.clear(), id="service-cleared-of-vendors"),
        pytest.param(lambda v: v["research"].delete(), id="service-deleted"),
        pytest.param(lambda v: v["quito"].languages.add(v["spanish"]), id="language-added"),
        pytest.param(lambda v: v["spanish"].vendors.remove(v["lima"]), id="language-removed"),
        pytest.param(lambda v: v["spanish"].vendors.clear(), id="language-cleared"),
        pytest.param(
            lambda v: setattr(v["spanish"], "code", "es-419") or v["spanish"].save(),
            id="language-code-changed",
        ),
        pytest.param(lambda v: Language.objects.filter(code="es").delete(), id="language-deleted"),
        pytest.param(lambda v: v["iso"].vendors.add(v["quito"]), id="certification-added"),
        pytest.param(
            lambda v: setattr(v["iso"], "code", "iso-27001-2022") or v["iso"].save(),
            id="certification-code-changed",
        ),
        pytest.param(lambda v: Certification.objects.all().delete(), id="certification-deleted"),
    ],
)
def test_every_write_to_the_catalog_leaves_the_offers_fresh(vendors, write):
    before = stored()
    write(vendors)
    assert stored() == fresh()
    assert stored() != before


def test_an_inactive_vendor_has_no_offers_until_it_is_active_again(vendors):
    Vendor.objects.filter(pk=vendors["quito"].pk).update(is_active=False)
    assert not ServiceOffer.objects.filter(vendor=vendors["quito"]).exists()
    Vendor.objects.filter(pk=vendors["quito"].pk).update(is_active=True)
    assert ServiceOffer.objects.filter(vendor=vendors["quito"]).count() == 1


def test_the_shipped_catalog_and_a_generated_one_load_with_fresh_offers(db):
    call_command("load_catalog", verbosity=0)
    call_command("generate_catalog", vendors=300, services=5, seed=3, verbosity=0)
    assert ServiceOffer.objects.count() > 300
    assert stored() == fresh()


def test_refresh_offers_mends_copies_written_around_django(vendors):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE outsourcing_vendor SET is_active = %s", [False])
    assert stored() != fresh()
    out = io.StringIO()
    call_command("refresh_offers", stdout=out)
    assert stored() == fresh() == []
    assert out.getvalue() == "0 offers made afresh.\n"

from collections import Counter

import pytest
from django.core.management import call_command

from outsourcing.models import Certification, Language, Service, ServiceCategory, Vendor

pytestmark = pytest.mark.django_db

DELIVERY_REGIONS = {
    "the Philippines": {"PH"},
    "India": {"IN"},
    "Eastern Europe": {"PL", "UA", "RO", "BG", "CZ", "HU", "RS", "SK", "LT", "LV", "EE"},
    "Latin America": {"MX", "CO", "AR", "BR", "CR", "CL", "PE", "UY", "GT", "DO"},
    "Africa": {"ZA", "KE", "EG", "GH", "MA", "NG", "RW", "TN", "MU"},
    "Southeast Asia": {"VN", "MY", "ID", "TH", "SG", "KH"},
}


def test_every_shipped_object_validates(shipped_catalog):
    for model in (ServiceCategory, Service, Language, Certification, Vendor):
        objects = list(model.objects.all())
        assert objects, f"no {model.__name__} in the fixtures"
        for obj in objects:
            obj.full_clean()


def test_catalog_is_broad_enough(shipped_catalog):
    active = Service.objects.active()
    assert active.count() >= 35
    assert ServiceCategory.objects.filter(services__is_active=True).distinct().count() >= 10
    assert Counter(active.values_list("process_type", flat=True)).keys() == {"bpo", "kpo"}


def test_every_sample_vendor_is_marked_fictional(shipped_catalog):
    assert Vendor.objects.count() >= 30
    assert not Vendor.objects.filter(is_sample=False).exists()


def test_sample_vendors_spread_over_the_delivery_regions(shipped_catalog):
    delivered_from = set()
    for vendor in Vendor.objects.all():
        delivered_from.update(country.code for country in vendor.delivery_countries)
    for region, codes in DELIVERY_REGIONS.items():
        assert delivered_from & codes, f"no sample vendor delivers from {region}"


def test_every_active_service_has_a_vendor(shipped_catalog):
    assert not Service.objects.active().filter(vendors=None).exists()


def test_seed_services_are_all_there(shipped_catalog):
    slugs = set(Service.objects.values_list("slug", flat=True))
    for expected in ["call-center", "data-entry", "payroll", "bookkeeping", "market-research"]:
        assert expected in slugs


def test_loading_twice_with_if_empty_changes_nothing(shipped_catalog, capsys):
    before = Vendor.objects.count()
    call_command("load_catalog", if_empty=True)
    assert Vendor.objects.count() == before
    assert "nothing loaded" in capsys.readouterr().out

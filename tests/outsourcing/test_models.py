import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from outsourcing.models import Service, Vendor
from tests.factories import ServiceFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_rate_minimum_above_maximum_is_refused_with_a_clear_message():
    vendor = VendorFactory.build(hourly_rate_min=40, hourly_rate_max=20)
    with pytest.raises(ValidationError) as caught:
        vendor.full_clean(exclude=["languages", "services"])
    assert caught.value.message_dict["hourly_rate_min"] == [
        "The minimum rate ($40) is above the maximum ($20)."
    ]


def test_rate_range_is_also_enforced_by_the_database():
    vendor = VendorFactory()
    with pytest.raises(IntegrityError):
        Vendor.objects.filter(pk=vendor.pk).update(hourly_rate_min=50, hourly_rate_max=10)


def test_founding_year_in_the_future_is_refused():
    next_year = timezone.now().year + 1
    vendor = VendorFactory.build(founded_year=next_year)
    with pytest.raises(ValidationError) as caught:
        vendor.full_clean()
    assert (
        f"The founding year {next_year} is in the future"
        in (caught.value.message_dict["founded_year"][0])
    )


def test_founding_year_this_year_is_fine():
    vendor = VendorFactory(founded_year=timezone.now().year)
    vendor.full_clean()


@pytest.mark.parametrize("value", [0, 6])
def test_profile_value_outside_one_to_five_is_refused(value):
    service = ServiceFactory.build(category=ServiceFactory().category, task_complexity=value)
    with pytest.raises(ValidationError) as caught:
        service.full_clean()
    assert caught.value.message_dict["task_complexity"] == ["Use a value from 1 to 5."]


def test_duplicate_service_slug_is_refused():
    existing = ServiceFactory(slug="data-entry")
    duplicate = ServiceFactory.build(category=existing.category, slug="data-entry")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert caught.value.message_dict["slug"] == ["Service with this Slug already exists."]


def test_duplicate_vendor_slug_is_refused():
    VendorFactory(slug="acme")
    with pytest.raises(ValidationError) as caught:
        VendorFactory.build(slug="acme").full_clean()
    assert caught.value.message_dict["slug"] == ["Vendor with this Slug already exists."]


def test_active_querysets_leave_out_inactive_rows():
    shown, hidden = ServiceFactory(), ServiceFactory(is_active=False)
    assert list(Service.objects.active()) == [shown]
    assert hidden not in Service.objects.active()
    visible, _ = VendorFactory(), VendorFactory(is_active=False)
    assert list(Vendor.objects.active()) == [visible]


def test_offering_finds_each_vendor_once():
    first, second = ServiceFactory(), ServiceFactory()
    vendor = VendorFactory(services=[first, second])
    VendorFactory(services=[ServiceFactory()])
    assert list(Vendor.objects.offering([first, second])) == [vendor]


def test_service_profile_and_tasks():
    service = ServiceFactory(typical_tasks="Key invoices\n\n  Check totals  \n")
    assert service.typical_task_list == ["Key invoices", "Check totals"]
    assert set(service.profile.values()) == {1}
    assert len(service.profile) == 9


def test_vendor_coverage_and_countries():
    vendor = VendorFactory(
        coverage=Vendor.Coverage.ROUND_THE_CLOCK, delivery_countries=["PH", "IN"]
    )
    assert vendor.is_24_7
    assert vendor.delivery_country_names == "India, Philippines"
    assert vendor.rate_range == "$10–20/h"
    assert str(vendor) == vendor.name


def test_a_vendor_without_a_time_zone_works_in_its_first_delivery_countrys():
    vendor = VendorFactory(delivery_countries=["PL", "UA"], timezone="")
    assert vendor.timezone == "Europe/Warsaw"
    chosen = VendorFactory(delivery_countries=["PL"], timezone="Europe/Kyiv")
    assert chosen.timezone == "Europe/Kyiv"


def test_a_time_zone_must_be_an_iana_zone():
    vendor = VendorFactory(timezone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError) as refused:
        vendor.full_clean()
    assert refused.value.message_dict["timezone"] == [
        "“Mars/Olympus_Mons” is not an IANA time zone, such as Asia/Manila."
    ]


def test_a_sample_vendor_cannot_be_verified():
    vendor = VendorFactory(is_sample=True, is_verified=True)
    with pytest.raises(ValidationError) as refused:
        vendor.full_clean()
    assert refused.value.message_dict["is_verified"] == [
        "A sample (fictional) vendor cannot be verified."
    ]

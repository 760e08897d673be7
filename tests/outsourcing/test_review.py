"""Freshness: when an editor last reviewed a vendor's or rate card's rates,
certifications and contacts, who did, and which entries need a review."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outsourcing.models import RateCard, ServiceOffer, Vendor, review_due_before
from tests.factories import (
    CertificationFactory,
    ServiceCategoryFactory,
    VendorFactory,
    catalog_editor,
)
from tests.helpers import admin_form_data


@pytest.fixture
def editor(db):
    return catalog_editor()


@pytest.fixture
def vendor(market_research):
    return Vendor.objects.get(slug="krakow-insight")


def change_url(entry):
    return reverse(f"admin:outsourcing_{entry._meta.model_name}_change", args=[entry.pk])


def test_mark_reviewed_stamps_today_and_the_editor(client, editor, vendor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:outsourcing_vendor_changelist"),
        {"action": "mark_reviewed", "_selected_action": [vendor.pk]},
        follow=True,
    )
    assert "Marked 1 reviewed today." in response.text
    vendor.refresh_from_db()
    assert vendor.reviewed_on == timezone.localdate()
    assert vendor.reviewed_by == editor


def test_mark_reviewed_changes_no_copy_matching_reads(
    client, editor, vendor, django_assert_num_queries
):
    offers = list(ServiceOffer.objects.values())
    Vendor.objects.filter(pk=vendor.pk).update(reviewed_on=date(2026, 3, 3))
    assert list(ServiceOffer.objects.values()) == offers
    # A review date alone: one UPDATE, no reading the vendors back for their offers.
    with django_assert_num_queries(1):
        Vendor.objects.filter(pk=vendor.pk).update(reviewed_on=date(2026, 3, 4))
    # A rate still refreshes them.
    Vendor.objects.filter(pk=vendor.pk).update(hourly_rate_min=11)
    assert ServiceOffer.objects.get(vendor=vendor).hourly_rate_min == 11


def test_a_rate_change_in_the_admin_stamps_the_review(client, editor, vendor):
    client.force_login(editor)
    data = admin_form_data(client, change_url(vendor))
    response = client.post(change_url(vendor), {**data, "hourly_rate_max": "25"})
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert (vendor.hourly_rate_max, vendor.reviewed_on, vendor.reviewed_by) == (
        25,
        timezone.localdate(),
        editor,
    )


def test_a_certification_change_in_the_admin_stamps_the_review(client, editor, vendor):
    client.force_login(editor)
    certification = CertificationFactory()
    data = admin_form_data(client, change_url(vendor))
    response = client.post(change_url(vendor), {**data, "certifications": [certification.pk]})
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert list(vendor.certifications.all()) == [certification]
    assert vendor.reviewed_on == timezone.localdate()


def test_a_change_of_the_pitch_leaves_the_review_alone(client, editor, vendor):
    client.force_login(editor)
    data = admin_form_data(client, change_url(vendor))
    response = client.post(change_url(vendor), {**data, "pitch": "Quicker research."})
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.pitch == "Quicker research."
    assert vendor.reviewed_on is None


def test_a_rate_card_source_change_stamps_the_review(client, editor):
    card = RateCard.objects.create(
        category=ServiceCategoryFactory(),
        country="PH",
        hourly_low=8,
        hourly_high=12,
        source="A survey",
        source_url="https://example.com/rates",
        as_of="2025-01-01",
    )
    client.force_login(editor)
    data = admin_form_data(client, change_url(card))
    response = client.post(change_url(card), {**data, "source": "A newer survey"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert (card.reviewed_on, card.reviewed_by) == (timezone.localdate(), editor)


@pytest.mark.parametrize("months", [12, 6])
def test_needs_review_lists_the_old_and_the_never_reviewed(client, editor, settings, months):
    settings.CATALOG_REVIEW_MONTHS = months
    today = timezone.localdate()
    old = VendorFactory(
        name="Reviewed long ago", reviewed_on=today - timedelta(days=31 * (months + 1))
    )
    recent = VendorFactory(name="Reviewed last month", reviewed_on=today - timedelta(days=31))
    never = VendorFactory(name="Never reviewed")
    client.force_login(editor)
    url = reverse("admin:outsourcing_vendor_changelist")
    due = client.get(url, {"review": "due"})
    assert f"Needs review (never, or over {months} months ago)" in due.text
    assert set(due.context["cl"].result_list) == {old, never}
    current = client.get(url, {"review": "current"})
    assert set(current.context["cl"].result_list) == {recent}


def test_the_review_is_due_the_setting_months_back(settings):
    settings.CATALOG_REVIEW_MONTHS = 12
    today = timezone.localdate()
    assert review_due_before() == today.replace(year=today.year - 1, day=min(today.day, 28))


def test_a_vendor_profile_says_when_its_details_were_last_reviewed(client, vendor):
    assert "Details not reviewed yet" in client.get(vendor.get_absolute_url()).text
    Vendor.objects.filter(pk=vendor.pk).update(reviewed_on=date(2026, 3, 3))
    assert "Details last reviewed 3 March 2026" in client.get(vendor.get_absolute_url()).text

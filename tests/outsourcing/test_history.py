"""History: every change to a catalog entry, who made it, each field before and after,
readable by catalog editors and by no one else."""

import pytest
from django.urls import reverse

from outsourcing.history import BEFORE_HISTORY
from outsourcing.models import Language, Vendor
from tests.factories import CertificationFactory, UserFactory, VendorFactory, catalog_editor
from tests.helpers import admin_form_data


@pytest.fixture
def vendor(market_research):
    return Vendor.objects.get(slug="krakow-insight")


def history_url(entry):
    return reverse(f"admin:outsourcing_{entry._meta.model_name}_history", args=[entry.pk])


def change_url(entry):
    return reverse(f"admin:outsourcing_{entry._meta.model_name}_change", args=[entry.pk])


def test_a_change_is_listed_with_its_editor_and_each_field_before_and_after(client, vendor):
    # Loaded rows have no history yet: the first change keeps the state before it.
    Vendor.history.filter(id=vendor.pk).delete()
    editor = catalog_editor()
    client.force_login(editor)
    data = admin_form_data(client, change_url(vendor))
    client.post(change_url(vendor), {**data, "pitch": "Quicker research.", "hourly_rate_max": "25"})

    page = client.get(history_url(vendor))
    assert page.status_code == 200
    text = page.text
    assert BEFORE_HISTORY in text
    assert f">{editor.username}</a>" in text
    for before, after in [("Careful back-office work.", "Quicker research."), ("20", "25")]:
        assert before in text and after in text
    changes = {
        change.field: (change.old, change.new)
        for change in Vendor.history.filter(id=vendor.pk)
        .first()
        .diff_against(Vendor.history.filter(id=vendor.pk).last())
        .changes
    }
    assert changes["pitch"] == ("Careful back-office work.", "Quicker research.")
    assert changes["hourly_rate_max"] == (20, 25)


def test_a_certification_added_shows_in_the_history(client, vendor, admin_user):
    client.force_login(admin_user)
    certification = CertificationFactory(name="ISO 27001")
    data = admin_form_data(client, change_url(vendor))
    client.post(change_url(vendor), {**data, "certifications": [certification.pk]})
    latest, *_, first = Vendor.history.filter(id=vendor.pk)
    changes = {change.field: change for change in latest.diff_against(first).changes}
    assert [row["certification"] for row in changes["certifications"].new] == [certification.pk]
    assert changes["certifications"].old == []
    assert "ISO 27001" in client.get(history_url(vendor)).text


def test_a_bulk_action_is_recorded_for_each_row_with_its_many_to_many_values(admin_client):
    vendors = VendorFactory.create_batch(2)
    Vendor.history.all().delete()
    admin_client.post(
        reverse("admin:outsourcing_vendor_changelist"),
        {"action": "deactivate", "_selected_action": [v.pk for v in vendors]},
    )
    for vendor in vendors:
        latest, before = Vendor.history.filter(id=vendor.pk)
        assert latest.history_change_reason == "Deactivated"
        assert before.history_change_reason == BEFORE_HISTORY
        changes = latest.diff_against(before).changes
        # Languages kept in both records: only the flag changed.
        assert [change.field for change in changes] == ["is_active"]


def test_a_catalog_editor_reads_the_history_of_every_catalog_entry(client, vendor):
    Language.objects.get_or_create(code="de", defaults={"name": "German"})
    client.force_login(catalog_editor())
    for entry in [vendor, vendor.services.get(), Language.objects.get(code="de")]:
        assert client.get(history_url(entry)).status_code == 200
    record = Vendor.history.filter(id=vendor.pk).first()
    version = reverse(
        "admin:outsourcing_vendor_simple_history", args=[vendor.pk, record.history_id]
    )
    assert client.get(version).status_code == 200


def test_a_past_version_is_never_saved_back(client, vendor):
    client.force_login(catalog_editor())
    record = Vendor.history.filter(id=vendor.pk).first()
    version = reverse(
        "admin:outsourcing_vendor_simple_history", args=[vendor.pk, record.history_id]
    )
    data = admin_form_data(client, change_url(vendor))
    assert client.post(version, {**data, "pitch": "Reverted"}).status_code == 403
    assert Vendor.objects.get(pk=vendor.pk).pitch != "Reverted"


def test_a_staff_user_without_the_history_permission_reads_no_history(client, vendor):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(history_url(vendor)).status_code == 403


def test_loading_the_shipped_catalog_writes_no_history(shipped_catalog):
    assert Vendor.objects.exists()
    assert not Vendor.history.exists()

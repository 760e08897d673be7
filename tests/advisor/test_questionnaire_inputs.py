"""The buyer says a little more: how many hours a week, which data the work touches,
the currency for costs, and whether the certifications that data needs filter vendors."""

import re
import uuid
from datetime import date
from decimal import Decimal

import pytest

from advisor.models import Recommendation
from outsourcing.models import CostAssumptions, ExchangeRate
from tests.factories import ROUTINE_ANSWERS, WORK

QUESTIONNAIRE = "/advisor/"
PREVIEW = "/advisor/preview/"
NEW_INPUTS = {
    "hours_per_week": "120",
    "data_sensitivity": ["payment_cards", "personal"],
    "currency": "EUR",
    "require_certifications": "on",
    "buyer_country": "US",
}


@pytest.fixture
def euro(db):
    return ExchangeRate.objects.create(
        currency="EUR",
        name="Euro",
        per_usd=Decimal("0.92"),
        source="European Central Bank reference rate",
        as_of=date(2026, 1, 2),
    )


def post(client, data, **kwargs):
    return client.post(QUESTIONNAIRE, {"submission_id": str(uuid.uuid4()), **data}, **kwargs)


def input_tag(html: str, name: str, value: str | None = None) -> str:
    """The one <input> named `name` (with `value`, for a checkbox group)."""
    pattern = rf'<input[^>]*name="{name}"' + (rf'[^>]*value="{value}"' if value else "")
    tags = re.findall(pattern + r"[^>]*>", html)
    assert len(tags) == 1, tags
    return tags[0]


def is_ticked(html: str, name: str, value: str | None = None) -> bool:
    return bool(re.search(r"\schecked[\s>]", input_tag(html, name, value)))


def test_a_new_form_asks_for_the_four_with_their_defaults(client, two_services_two_vendors, euro):
    html = client.get(QUESTIONNAIRE).text
    assert "Leave empty to assume 40 hours a week (one full-time person)." in html
    assert 'placeholder="40 if left empty"' in html
    for label in ["Personal data about people", "Card payments", "Health data"]:
        assert label in html
    assert "Card numbers taken, kept or seen, even read out over the phone." in html
    assert not is_ticked(html, "data_sensitivity", "payment_cards")
    assert '<option value="USD" selected>US dollar (USD)</option>' in html
    assert '<option value="EUR">Euro (EUR)</option>' in html
    assert "Only vendors holding the certifications your data needs" in html
    assert is_ticked(html, "require_certifications")


def test_the_assumed_hours_are_the_ones_editors_keep(client, two_services_two_vendors):
    CostAssumptions.objects.create(hours_per_week=80)
    html = client.get(QUESTIONNAIRE).text
    assert "Leave empty to assume 80 hours a week (2 full-time people)." in html
    assert 'placeholder="80 if left empty"' in html


def test_a_submit_saves_all_four(client, two_services_two_vendors, euro):
    response = post(
        client, {**WORK, **ROUTINE_ANSWERS, **NEW_INPUTS, "task_services": ["data-entry"]}
    )
    assert response.status_code == 302
    preferences = Recommendation.objects.get().preferences
    assert preferences["hours_per_week"] == 120
    # In the engine's order, whatever order they were ticked in.
    assert preferences["data_sensitivity"] == ["personal", "payment_cards"]
    assert preferences["currency"] == "EUR"
    assert preferences["require_certifications"] is True
    guidance = Recommendation.objects.get().guidance
    assert "pci-dss" in [item["code"] for item in guidance["certifications_required"]]


def test_an_unticked_box_and_empty_fields_mean_off_and_the_defaults(
    client, two_services_two_vendors
):
    # A browser sends nothing for an unticked box, an empty number or no currency.
    response = post(client, {**WORK, **ROUTINE_ANSWERS, "hours_per_week": ""})
    assert response.status_code == 302
    preferences = Recommendation.objects.get().preferences
    assert preferences["hours_per_week"] is None
    assert preferences["data_sensitivity"] == []
    assert preferences["currency"] == "USD"
    assert preferences["require_certifications"] is False


@pytest.mark.parametrize("require", [True, False])
def test_the_certifications_the_data_needs_filter_vendors_unless_unticked(
    client, two_services_two_vendors, require
):
    data = {
        **WORK,
        **ROUTINE_ANSWERS,
        "task_services": ["data-entry"],
        "data_sensitivity": ["payment_cards"],
    }
    if require:
        data["require_certifications"] = "on"
    assert post(client, data).status_code == 302
    shown = [vendor["slug"] for vendor in Recommendation.objects.get().vendors]
    # Manila Keyers holds no certification at all.
    assert ("manila-keyers" in shown) is not require


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours_per_week", "0", "Please give the hours as a whole number from 1 to 2,000."),
        ("hours_per_week", "2001", "Please give the hours as a whole number from 1 to 2,000."),
        ("hours_per_week", "12.5", "Please give the hours as a whole number from 1 to 2,000."),
        ("hours_per_week", "many", "Please give the hours as a whole number from 1 to 2,000."),
        ("currency", "XYZ", "Please pick a currency from the list."),
        (
            "data_sensitivity",
            ["personal", "gossip"],
            "“gossip” is not a kind of data we know; please pick from the list.",
        ),
    ],
)
def test_a_bad_value_is_shown_beside_its_field_and_nothing_typed_is_lost(
    client, two_services_two_vendors, euro, field, value, message
):
    data = {
        **WORK,
        **ROUTINE_ANSWERS,
        **NEW_INPUTS,
        "budget": "25",
        "task_services": ["data-entry"],
        field: value,
    }
    response = post(client, data)
    assert response.status_code == 400
    assert not Recommendation.objects.exists()
    html = response.text
    # In the summary at the top, linked to the field, and beside the field.
    assert f'href="#div_id_{field}"' in html
    assert html.count(message) == 2
    assert 'value="Market entry research"' in input_tag(html, "task_name")
    assert 'value="25"' in input_tag(html, "budget")
    assert is_ticked(html, "task_services", "data-entry")
    assert is_ticked(html, "require_certifications")
    if field != "hours_per_week":
        assert 'value="120"' in input_tag(html, "hours_per_week")
    if field != "data_sensitivity":
        assert is_ticked(html, "data_sensitivity", "payment_cards")
        assert is_ticked(html, "data_sensitivity", "personal")
    if field != "currency":
        assert '<option value="EUR" selected>' in html


def test_an_unticked_box_stays_unticked_after_a_refusal(client, two_services_two_vendors):
    response = post(client, {**WORK, **ROUTINE_ANSWERS, "hours_per_week": "0"})
    assert response.status_code == 400
    assert not is_ticked(response.text, "require_certifications")


def test_the_live_preview_takes_the_whole_form(client, two_services_two_vendors, euro):
    response = client.post(PREVIEW, {**WORK, **ROUTINE_ANSWERS, **NEW_INPUTS})
    assert response.status_code == 200
    assert "fields it does not have" not in response.text
    # A value the submit would refuse does not stop the verdict showing.
    bad = client.post(PREVIEW, {**WORK, **ROUTINE_ANSWERS, "hours_per_week": "many"})
    assert bad.status_code == 200
    assert "Some answers cannot be read" not in bad.text


def test_filling_typical_answers_keeps_the_four(client, two_services_two_vendors, euro):
    data = {
        **WORK,
        **NEW_INPUTS,
        "task_services": ["data-entry"],
        "action": "fill",
    }
    del data["require_certifications"]
    html = client.post(QUESTIONNAIRE, data).text
    assert 'value="120"' in input_tag(html, "hours_per_week")
    assert is_ticked(html, "data_sensitivity", "payment_cards")
    assert '<option value="EUR" selected>' in html
    assert not is_ticked(html, "require_certifications")


def test_edit_a_copy_carries_the_four(client, two_services_two_vendors, euro):
    data = {**WORK, **ROUTINE_ANSWERS, **NEW_INPUTS, "task_services": ["data-entry"]}
    del data["require_certifications"]
    post(client, data)
    token = Recommendation.objects.get().token
    html = client.get(f"{QUESTIONNAIRE}?from={token}").text
    assert 'value="120"' in input_tag(html, "hours_per_week")
    assert is_ticked(html, "data_sensitivity", "payment_cards")
    assert is_ticked(html, "data_sensitivity", "personal")
    assert not is_ticked(html, "data_sensitivity", "health")
    assert '<option value="EUR" selected>' in html
    assert not is_ticked(html, "require_certifications")
    # Sent on unchanged, the copy asks for the same.
    copy = post(client, {**data, "task_name": "Market entry research, again"})
    assert copy.status_code == 302
    first, second = Recommendation.objects.order_by("created_at")
    for key in ["hours_per_week", "data_sensitivity", "currency", "require_certifications"]:
        assert second.preferences[key] == first.preferences[key]


def test_a_copy_of_a_brief_saved_before_the_four_starts_from_their_defaults(
    client, two_services_two_vendors, euro
):
    post(client, {**WORK, **ROUTINE_ANSWERS})
    old = Recommendation.objects.get()
    kept = {"countries", "languages", "certifications", "budget", "needs_24_7", "must"}
    Recommendation.objects.filter(pk=old.pk).update(
        preferences={key: value for key, value in old.preferences.items() if key in kept}
    )
    html = client.get(f"{QUESTIONNAIRE}?from={old.token}").text
    assert 'value="' not in input_tag(html, "hours_per_week")
    assert not is_ticked(html, "data_sensitivity", "personal")
    assert '<option value="USD" selected>' in html
    assert is_ticked(html, "require_certifications")

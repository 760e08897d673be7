"""The questionnaire starts from the work: its name, description and services, the
buyer's place, and which preferences are required."""

import uuid
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from advisor.engine import Factor
from advisor.engine.work import Task
from advisor.models import Recommendation
from advisor.views import questionnaire_form
from tests.factories import EXPERT_ANSWERS, WORK, LanguageFactory, ServiceFactory

QUESTIONNAIRE = "/advisor/"
PREVIEW = "/advisor/preview/"


def post(client, data, **kwargs):
    return client.post(QUESTIONNAIRE, {"submission_id": str(uuid.uuid4()), **data}, **kwargs)


def test_the_questionnaire_is_three_steps_with_services_grouped_by_category(
    client, two_services_two_vendors
):
    content = client.get(QUESTIONNAIRE).text
    for step in ["The work", "How the work is done", "Who should do it"]:
        assert f"{step}</h2>" in content
    assert 'name="task_name"' in content
    category = two_services_two_vendors["research"].category.name
    assert f'<legend class="service-group-name">{category}</legend>' in content
    assert 'name="task_services" value="market-research"' in content
    assert 'name="must" value="languages"' in content
    assert 'id="verdict-bar"' in content


def test_the_work_needs_a_name(client, two_services_two_vendors):
    response = post(client, EXPERT_ANSWERS)
    assert response.status_code == 400
    assert "Please name the work" in response.text
    assert not Recommendation.objects.exists()
    short = post(client, {**EXPERT_ANSWERS, "task_name": "ab"})
    assert "at least 3 characters" in short.text


def test_at_most_five_services(client, db):
    slugs = [ServiceFactory().slug for _ in range(6)]
    response = post(client, {**WORK, **EXPERT_ANSWERS, "task_services": slugs})
    assert response.status_code == 400
    assert "Please pick at most 5 services; you picked 6." in response.text
    assert not Recommendation.objects.exists()


def test_an_unknown_service_is_refused_plainly(client, two_services_two_vendors):
    response = post(client, {**WORK, **EXPERT_ANSWERS, "task_services": ["web-magic"]})
    assert response.status_code == 400
    assert "“web-magic” is not in the catalog" in response.text


def test_an_unknown_time_zone_is_refused_and_a_known_one_kept(client, two_services_two_vendors):
    response = post(client, {**WORK, **EXPERT_ANSWERS, "buyer_timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "is not a time zone we know" in response.text
    assert (
        post(client, {**WORK, **EXPERT_ANSWERS, "buyer_timezone": "Etc/GMT+5"}).status_code == 302
    )


def test_a_required_item_left_empty_is_pointed_out(client, two_services_two_vendors):
    response = post(client, {**WORK, **EXPERT_ANSWERS, "must": ["languages"]})
    assert response.status_code == 400
    assert "You marked this as required but left it empty" in response.text


def test_the_form_hands_on_the_work_and_required_preferences(two_services_two_vendors):
    LanguageFactory(code="en", name="English")
    LanguageFactory(code="es", name="Spanish")
    data = urlencode(
        {
            **EXPERT_ANSWERS,
            "task_name": "  Customer email and chat support ",
            "task_description": "Replies within an hour.",
            "task_services": ["market-research", "data-entry", "market-research"],
            "languages": ["es", "en"],
            "needs_24_7": "on",
            "buyer_country": "US",
            "must": ["needs_24_7", "languages"],
        },
        doseq=True,
    )
    form = questionnaire_form(QueryDict(data))
    assert form.is_valid(), form.errors
    assert form.task() == Task(
        name="Customer email and chat support",
        description="Replies within an hour.",
        services=("market-research", "data-entry"),
    )
    preferences = form.preferences()
    assert preferences["languages"] == ["en", "es"]
    assert preferences["must"] == ["languages", "needs_24_7"]
    # The zone comes from the country when none is given.
    assert (preferences["buyer_country"], preferences["buyer_timezone"]) == (
        "US",
        "America/New_York",
    )


def fill(client, data, **kwargs):
    return client.post(QUESTIONNAIRE, {"action": "fill", **data}, **kwargs)


def test_filling_typical_answers_keeps_what_was_typed_without_javascript(
    client, two_services_two_vendors
):
    typed = {
        "task_name": "Supplier invoices",
        "task_description": "About 400 a month.",
        "task_services": ["data-entry"],
        "task_complexity": "4",
        "budget": "30",
        "buyer_country": "PH",
    }
    response = fill(client, typed)
    assert response.status_code == 200
    assert "<html" in response.text
    form = response.context["form"]
    assert not Recommendation.objects.exists()
    assert form["task_name"].value() == "Supplier invoices"
    assert form["task_description"].value() == "About 400 a month."
    assert form["budget"].value() == "30"
    assert form["task_complexity"].value() == "4"  # the buyer's, not the service's 1
    assert form["skill_scarcity"].value() == 1
    assert form["buyer_timezone"].value() == "Asia/Manila"
    assert 'name="task_services" value="data-entry" id="service-data-entry" checked' in (
        response.text
    )
    assert "Filled in 8 questions from the services’ typical answers: skill scarcity," in (
        response.text
    )
    assert "Your own answers are unchanged." in response.text


def test_filling_typical_answers_in_place_with_htmx(client, two_services_two_vendors, htmx_headers):
    response = fill(client, {**WORK, "task_services": ["market-research"]}, headers=htmx_headers)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div class="row g-4" id="questionnaire-body">')
    assert "Filled in 9 questions" in response.text
    assert "KPO" in response.text  # the preview shows the verdict the answers give


def test_filling_without_a_service_or_with_everything_answered_says_so(
    client, two_services_two_vendors
):
    assert "Pick at least one service first" in fill(client, WORK).text
    every = {factor.value: "3" for factor in Factor}
    response = fill(client, {**every, "task_services": ["data-entry"]})
    assert "Every question already had your answer" in response.text


def test_a_service_link_preselects_it_with_its_typical_answers(client, two_services_two_vendors):
    response = client.get(QUESTIONNAIRE, {"service": "data-entry"})
    assert 'value="data-entry" id="service-data-entry" checked' in response.text
    assert "<strong>Data entry</strong> is chosen" in response.text


def test_the_live_preview_also_updates_the_phone_verdict_bar(
    client, two_services_two_vendors, htmx_headers
):
    response = client.post(PREVIEW, EXPERT_ANSWERS, headers=htmx_headers)
    assert 'id="result-panel"' in response.text
    assert 'id="verdict-bar"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert "KPO</span> so far" in response.text


@pytest.mark.parametrize("name", ["Pa", "x" * 121])
def test_the_preview_marks_the_work_unnamed_until_it_is(client, two_services_two_vendors, name):
    response = client.post(PREVIEW, {"task_name": name})
    assert "needs a name" in response.text
    assert "named" in client.post(PREVIEW, {"task_name": "Payroll"}).text


def test_a_percent_sign_in_an_answer_is_refused_plainly(
    client, two_services_two_vendors, htmx_headers
):
    response = client.post(PREVIEW, {"task_complexity": "%'"}, headers=htmx_headers)
    assert response.status_code == 400
    assert "Task complexity" in response.text

"""What the live preview and a saved brief show, shaped from the engine's results."""

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from advisor import services
from advisor.engine import Factor, ProcessType, Task, Verdict
from advisor.forms import tampering
from advisor.presenters import RecommendationPage, preview_context
from outsourcing.models import Language
from tests.factories import LanguageFactory, ServiceFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_the_preview_counts_answers_and_waits_for_the_required_ones():
    context = preview_context(QueryDict("task_complexity=4&technology=2"))
    assert (context["answered_count"], context["question_count"]) == (2, 9)
    assert context["preview"] is None
    assert context["missing_required"] == ["skill scarcity", "decision authority"]


def test_the_preview_scores_complete_answers_with_its_top_reasons():
    context = preview_context(QueryDict("task_complexity=5&skill_scarcity=5&decision_authority=5"))
    assert context["preview"].verdict is Verdict.KPO
    assert len(context["preview_reasons"]) == 3
    assert context["preview_errors"] == []


def test_the_preview_lists_bad_answers_instead_of_scoring_them():
    context = preview_context(QueryDict("task_complexity=9&skill_scarcity=1&decision_authority=1"))
    assert context["preview"] is None
    assert context["preview_errors"] == ["Task complexity must be between 1 and 5, not 9."]


def test_the_preview_lists_a_refused_form_instead_of_scoring_it():
    sent = QueryDict("task_complexity=5&task_complexity=1&skill_scarcity=5&decision_authority=5")
    context = preview_context(sent, tampering(sent))
    assert context["preview"] is None
    assert context["preview_errors"] == [
        "The form arrived with more than one answer to the same question (task_complexity), "
        "so nothing was saved. Please choose one answer each."
    ]


def test_a_pre_filled_form_is_previewed_from_its_initial_answers():
    initial = {"task_complexity": 1, "skill_scarcity": 1, "decision_authority": 1}
    context = preview_context(initial)
    assert context["preview"].verdict is Verdict.BPO


@pytest.fixture
def saved():
    research = ServiceFactory(name="Market research", slug="market-research", kpo=True)
    VendorFactory(name="Krakow Insight", services=[research], delivery_countries=["PL"])
    LanguageFactory(code="pl", name="Polish")
    answers = {Factor.TASK_COMPLEXITY: 5, Factor.SKILL_SCARCITY: 5, Factor.DECISION_AUTHORITY: 4}
    preferences = {"countries": ["PL"], "languages": ["pl"], "budget": 60, "needs_24_7": True}
    return services.recommendation_create(
        task=Task("Customer research"), answers=answers, preferences=preferences
    )


def test_a_brief_shows_its_snapshot(saved):
    page = RecommendationPage(saved, RequestFactory().get("/"))
    assert page.title == "Customer research: KPO outsourcing recommended"
    assert page.verdict.long_label == "Knowledge process outsourcing"
    assert page.share_url == f"http://testserver/r/{saved.token}/"
    assert page.copy_url == f"/advisor/?from={saved.token}"
    assert page.services[0]["process_type"] is ProcessType.KPO
    assert page.services[0]["url"] == "/services/market-research/"
    assert [row["answer"] for row in page.answers][:4] == [5, 5, 4, None]
    assert page.pdf_filename.startswith("customer-research-kpo-")


def test_a_brief_names_its_preferences_as_they_were_saved(saved):
    Language.objects.filter(code="pl").update(name="Polski")
    page = RecommendationPage(saved, RequestFactory().get("/"))
    assert [(row["label"], row["value"], row["required"]) for row in page.preferences] == [
        ("Delivered from", "Poland", False),
        ("Languages", "Polish", False),
        ("Highest hourly rate", "up to $60/h", False),
        ("Coverage", "24/7", False),
    ]

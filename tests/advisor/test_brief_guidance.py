"""The brief says what to measure and what to have ready, as it was when saved."""

import io
import json

import pytest
from django.core.management import call_command

from advisor.engine import Task, guidance
from advisor.models import Recommendation
from advisor.services import recommendation_create
from tests.advisor.test_work_journeys import SUPPORT, SUPPORT_PREFERENCES, answers_of

RESEARCH = {
    "task_complexity": 5,
    "skill_scarcity": 5,
    "decision_authority": 4,
    "customer_contact": 1,
}


def brief(client, recommendation: Recommendation) -> str:
    return client.get(recommendation.get_absolute_url()).text


def test_a_support_brief_lists_contact_centre_measures_and_what_to_prepare(client, shipped_catalog):
    saved = recommendation_create(
        task=Task("Customer email and chat support", services=("email-support",)),
        answers=answers_of(SUPPORT),
        preferences=SUPPORT_PREFERENCES,
    )
    page = brief(client, saved)
    assert "What to measure" in page
    assert "80% of contacts answered within 20 seconds" in page
    assert "First-contact resolution" in page
    assert "Before the first call" in page
    assert "Contact volumes by hour and day" in page
    assert "Expert review pass rate" not in page
    assert "What can go wrong" in page
    # Routine, documented support work raises no particular risk.
    assert "Nothing in your answers points to a particular risk" in page


def test_a_research_brief_lists_knowledge_work_measures(client, shipped_catalog):
    saved = recommendation_create(
        task=Task("Market sizing for a new product"),
        answers=answers_of(RESEARCH),
        preferences={},
    )
    page = brief(client, saved)
    assert saved.guidance["kinds"] == ["knowledge"]
    assert [risk["key"] for risk in saved.guidance["risks"]] == [
        "quality_hard_to_measure",
        "confidential_knowledge",
        "long_transition",
    ]
    assert "Medium risk:</span> Knowledge work exposes your know-how" in page
    assert "Expert review pass rate" in page
    assert "Rework rate" in page
    assert "80% of contacts" not in page


def test_a_brief_keeps_the_measures_it_was_saved_with(client, shipped_catalog, monkeypatch):
    saved = recommendation_create(
        task=Task("Market sizing for a new product"), answers=answers_of(RESEARCH), preferences={}
    )
    monkeypatch.setitem(
        guidance.KPIS, guidance.WorkKind.KNOWLEDGE, (guidance.Kpi("Renamed", "x", "y"),)
    )
    page = brief(client, Recommendation.objects.get(pk=saved.pk))
    assert "Expert review pass rate" in page
    assert "Renamed" not in page


def test_a_brief_saved_before_the_measures_shows_none_of_them(client, shipped_catalog):
    saved = recommendation_create(
        task=Task("Market sizing for a new product"), answers=answers_of(RESEARCH), preferences={}
    )
    Recommendation.objects.filter(pk=saved.pk).update(guidance={})
    page = brief(client, saved)
    assert "What to measure" not in page
    assert "What can go wrong" not in page
    assert "Before the first call" not in page
    assert "What it will cost" not in page
    assert "In a minute" not in page
    # The sections number themselves (a CSS counter), so none is skipped.
    assert page.count('<span class="section-number" aria-hidden="true"></span>') == 5


def test_the_command_prints_the_measures_and_the_checklist(shipped_catalog):
    out = io.StringIO()
    call_command(
        "recommend",
        "--task",
        "Customer email and chat support",
        "--services",
        "email-support,live-chat-support",
        "--answers",
        json.dumps(SUPPORT),
        stdout=out,
    )
    output = json.loads(out.getvalue())
    assert output["kpis"][0] == {
        "name": "Service level",
        "target": "80% of contacts answered within 20 seconds",
        "why": guidance.KPIS[guidance.WorkKind.CONTACT_CENTRE][0].why,
    }
    assert output["risks"] == []
    assert output["checklist"][: len(guidance.CHECKLIST_FOR_ALL)] == list(
        guidance.CHECKLIST_FOR_ALL
    )


pytestmark = pytest.mark.django_db

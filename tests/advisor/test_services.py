import threading
import uuid

import pytest
from django.db import connection

from advisor.engine import Factor, Task
from advisor.engine.results import Result
from advisor.models import Recommendation, ScoringSettings
from advisor.services import advice_build, recommendation_create

ROUTINE = {Factor.TASK_COMPLEXITY: 1, Factor.SKILL_SCARCITY: 1, Factor.DECISION_AUTHORITY: 1}
EXPERT = {Factor.TASK_COMPLEXITY: 5, Factor.SKILL_SCARCITY: 5, Factor.DECISION_AUTHORITY: 5}


def test_advice_matches_services_of_the_recommended_kind(two_services_two_vendors):
    advice = advice_build(task=Task("Customer research"), answers=ROUTINE, preferences={})
    assert advice.result.verdict == "bpo"
    assert [match.slug for match in advice.services] == ["data-entry"]
    assert [match.slug for match in advice.vendors] == ["manila-keyers"]


def test_preferences_shape_the_vendor_ranking(two_services_two_vendors):
    advice = advice_build(
        task=Task("Customer research"),
        answers=EXPERT,
        preferences={"countries": ["PL"], "budget": 30},
    )
    [vendor] = advice.vendors
    texts = [item.text for item in vendor.breakdown]
    assert any("Poland" in text for text in texts)
    assert any("$30" in text for text in texts)


def test_recommendation_keeps_a_complete_snapshot(two_services_two_vendors):
    recommendation = recommendation_create(
        task=Task("Customer research"), answers=EXPERT, preferences={"needs_24_7": True}
    )
    stored = Recommendation.objects.get()
    assert stored == recommendation
    assert stored.answers == {"task_complexity": 5, "skill_scarcity": 5, "decision_authority": 5}
    assert stored.preferences == {"needs_24_7": True}
    assert stored.verdict == "kpo"
    assert stored.engine_version == Result.from_dict(stored.result).engine_version
    assert stored.parameters == ScoringSettings.current_parameters().to_dict()
    assert [match["slug"] for match in stored.services] == ["market-research"]
    assert [match["slug"] for match in stored.vendors] == ["krakow-insight"]


def test_a_repeated_preference_is_saved_once_in_the_order_first_given(two_services_two_vendors):
    # The path of the recommend command and of any caller that skips the form.
    preferences = {"countries": ["PL"] * 900 + ["PH", "PL"], "languages": ["pl", "en", "pl"]}
    recommendation = recommendation_create(
        task=Task("Customer research"), answers=EXPERT, preferences=preferences
    )
    recommendation.refresh_from_db()
    assert recommendation.preferences["countries"] == ["PL", "PH"]
    assert recommendation.preferences["languages"] == ["pl", "en"]


def test_tokens_are_long_random_and_not_the_primary_key(two_services_two_vendors):
    tokens = {
        recommendation_create(task=Task("Customer research"), answers=ROUTINE, preferences={}).token
        for _ in range(5)
    }
    assert len(tokens) == 5
    for token in tokens:
        assert len(token) >= 22  # 128 bits in URL-safe base64
        assert not token.isdigit()


def test_the_same_submission_twice_makes_one_recommendation(two_services_two_vendors):
    submission = uuid.uuid4()
    first = recommendation_create(
        task=Task("Customer research"), answers=ROUTINE, preferences={}, submission_id=submission
    )
    second = recommendation_create(
        task=Task("Customer research"), answers=ROUTINE, preferences={}, submission_id=submission
    )
    assert first.pk == second.pk
    assert Recommendation.objects.count() == 1


def test_the_same_form_with_changed_answers_makes_a_new_recommendation(two_services_two_vendors):
    submission = uuid.uuid4()
    first = recommendation_create(
        task=Task("Customer research"), answers=ROUTINE, preferences={}, submission_id=submission
    )
    second = recommendation_create(
        task=Task("Customer research"), answers=EXPERT, preferences={}, submission_id=submission
    )
    assert first.pk != second.pk


def test_changed_weights_apply_to_new_recommendations_only(two_services_two_vendors):
    old = recommendation_create(task=Task("Customer research"), answers=ROUTINE, preferences={})
    settings = ScoringSettings.objects.get()
    settings.task_complexity_weight = 9
    settings.save()
    new = recommendation_create(task=Task("Customer research"), answers=ROUTINE, preferences={})
    old.refresh_from_db()
    assert old.parameters["weights"]["task_complexity"] == 3.0
    assert new.parameters["weights"]["task_complexity"] == 9.0


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_submissions_make_one_recommendation(two_services_two_vendors):
    submission = uuid.uuid4()
    results, errors = [], []

    def submit():
        try:
            results.append(
                recommendation_create(
                    task=Task("Customer research"),
                    answers=ROUTINE,
                    preferences={},
                    submission_id=submission,
                ).pk
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Recommendation.objects.count() == 1

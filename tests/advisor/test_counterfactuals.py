import pytest

from advisor.engine import (
    Counterfactual,
    Factor,
    Parameters,
    Verdict,
    find_counterfactuals,
    score,
)
from tests.helpers import required_answers

MARKET_RESEARCH = {
    "task_complexity": 4,
    "skill_scarcity": 4,
    "decision_authority": 3,
    "process_definition": 4,
    "core_proximity": 4,
    "customization": 4,
    "driving_force": 5,
    "technology": 4,
    "customer_contact": 1,
}


def test_smallest_change_that_flips_the_verdict():
    changes = score(required_answers(2, 2, 2)).counterfactuals  # BPO at 25.0
    assert [(item.factor, item.current, item.proposed) for item in changes] == [
        (Factor.TASK_COMPLEXITY, 2, 4),
        (Factor.SKILL_SCARCITY, 2, 4),
        (Factor.DECISION_AUTHORITY, 2, 4),
    ]
    first = changes[0]
    assert first.verdict is Verdict.HYBRID
    assert first.kpo_score == 41.7
    assert first.text == (
        "If the work were mostly analytical, it would be best split between a BPO provider "
        "and a KPO specialist."
    )


def test_a_change_of_one_comes_before_bigger_changes():
    changes = score(required_answers(2, 2, 3, technology=1)).counterfactuals  # BPO at 30.0
    assert [(item.factor, item.proposed) for item in changes] == [
        (Factor.TASK_COMPLEXITY, 3),
        (Factor.SKILL_SCARCITY, 3),
        (Factor.DECISION_AUTHORITY, 4),
        (Factor.TECHNOLOGY, 4),  # 2 and 3 leave the score at or under 35
    ]


def test_larger_effect_first_among_equal_changes():
    changes = score(MARKET_RESEARCH).counterfactuals
    assert [(item.factor, item.proposed, item.verdict) for item in changes] == [
        (Factor.TASK_COMPLEXITY, 1, Verdict.HYBRID),
        (Factor.SKILL_SCARCITY, 1, Verdict.HYBRID),
    ]
    pulling = {
        "task_complexity": 5,
        "skill_scarcity": 5,
        "decision_authority": 5,
        "process_definition": 5,
        "core_proximity": 5,
        "customization": 1,
        "driving_force": 1,
        "technology": 1,
        "customer_contact": 5,
    }
    result = score(pulling)  # hybrid by opposite pull at 72.2
    assert [(item.factor, item.proposed, item.kpo_score) for item in result.counterfactuals] == [
        (Factor.CUSTOMIZATION, 3, 76.4),
        (Factor.DRIVING_FORCE, 3, 76.4),
        (Factor.TECHNOLOGY, 3, 75.0),
        (Factor.CUSTOMER_CONTACT, 3, 75.0),
    ]


def test_when_both_directions_flip_the_larger_effect_then_the_lower_answer_wins():
    changes = score(required_answers(3, 3, 3)).counterfactuals
    # 3 -> 1 gives BPO (33.3) and 3 -> 5 gives KPO (66.7): the same distance and effect.
    assert [(item.factor, item.proposed, item.verdict) for item in changes] == [
        (Factor.TASK_COMPLEXITY, 1, Verdict.BPO),
        (Factor.SKILL_SCARCITY, 1, Verdict.BPO),
        (Factor.DECISION_AUTHORITY, 1, Verdict.BPO),
    ]
    # With the band moved down, only raising an answer flips the verdict.
    lopsided = score(required_answers(3, 3, 3), Parameters(bpo_max=30, kpo_min=60)).counterfactuals
    assert [(item.proposed, item.verdict) for item in lopsided] == [(5, Verdict.KPO)] * 3


def test_no_counterfactuals_when_no_single_change_flips_the_verdict():
    expert = {**MARKET_RESEARCH, "task_complexity": 5, "skill_scarcity": 5}
    assert score(expert).counterfactuals == ()


def test_at_most_five_and_a_custom_limit():
    answers = {factor.value: 3 for factor in Factor}
    answers |= {"task_complexity": 2, "skill_scarcity": 2, "decision_authority": 2}
    # Score 33.3 (BPO): raising almost any answer by one or two makes it hybrid.
    everything = find_counterfactuals(answers, limit=9)
    assert len(everything) > 5
    assert score(answers).counterfactuals == everything[:5]
    assert find_counterfactuals(answers, limit=2) == everything[:2]


@pytest.mark.parametrize(
    "answers",
    [
        required_answers(1, 1, 1),
        required_answers(5, 5, 1),
        required_answers(2, 3, 4, customer_contact=5),
        MARKET_RESEARCH,
        {**MARKET_RESEARCH, "customer_contact": 5, "customization": 1, "technology": 1},
    ],
)
def test_every_counterfactual_is_verified_by_rescoring(answers):
    result = score(answers)
    for change in result.counterfactuals:
        rescored = score({**answers, change.factor.value: change.proposed})
        assert change.current == answers[change.factor.value]
        assert rescored.verdict is change.verdict is not result.verdict
        assert rescored.kpo_score == change.kpo_score


def test_counterfactuals_use_the_given_parameters():
    answers = required_answers(2, 2, 2)
    loose = Parameters(bpo_max=20, kpo_min=80)
    assert score(answers, loose).verdict is Verdict.HYBRID
    changes = find_counterfactuals(answers, loose)
    assert changes[0].verdict is Verdict.BPO
    assert changes[0].proposed == 1


def test_counterfactual_round_trips():
    change = score(required_answers(2, 2, 2)).counterfactuals[0]
    assert Counterfactual.from_dict(change.to_dict()) == change
    assert change.to_dict() == {
        "key": "task_complexity",
        "current": 2,
        "proposed": 4,
        "verdict": "hybrid",
        "kpo_score": 41.7,
        "text": change.text,
    }

import dataclasses
import json
import math

import pytest

from advisor.engine import (
    DEFAULT_PARAMETERS,
    DEFAULT_WEIGHTS,
    ENGINE_VERSION,
    AnswerError,
    ConfidenceLevel,
    Factor,
    Lean,
    Parameters,
    Result,
    Verdict,
    score,
)
from tests.helpers import required_answers


def every(value, customer_contact):
    return {
        factor.value: customer_contact if factor is Factor.CUSTOMER_CONTACT else value
        for factor in Factor
    }


PULLING_BOTH_WAYS = {
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


@pytest.mark.parametrize(
    ("answers", "verdict", "kpo_score"),
    [
        (required_answers(1, 1, 1), Verdict.BPO, 0.0),
        (required_answers(2, 2, 2), Verdict.BPO, 25.0),
        (required_answers(3, 3, 3), Verdict.HYBRID, 50.0),
        (required_answers(2, 3, 3), Verdict.HYBRID, 41.7),
        (required_answers(4, 4, 4), Verdict.KPO, 75.0),
        (required_answers(5, 5, 5), Verdict.KPO, 100.0),
        (every(1, customer_contact=1), Verdict.BPO, 5.6),
        (every(1, customer_contact=5), Verdict.BPO, 0.0),
        (every(2, customer_contact=4), Verdict.BPO, 25.0),
        (every(3, customer_contact=3), Verdict.HYBRID, 50.0),
        (every(4, customer_contact=2), Verdict.KPO, 75.0),
        (every(5, customer_contact=5), Verdict.KPO, 94.4),
        (every(5, customer_contact=1), Verdict.KPO, 100.0),
        (required_answers(3, 3, 4, customer_contact=5), Verdict.HYBRID, 52.5),
        # Score says KPO, but strong answers pull hard both ways.
        (required_answers(5, 5, 1), Verdict.HYBRID, 66.7),
        (PULLING_BOTH_WAYS, Verdict.HYBRID, 72.2),
    ],
)
def test_answers_to_verdict(answers, verdict, kpo_score):
    result = score(answers)
    assert result.verdict is verdict
    assert result.kpo_score == kpo_score


def test_kpo_score_is_the_weighted_mean_lean():
    # task 4 (lean 0.75, weight 3), skill 2 (0.25, 3), decision 3 (0.5, 3),
    # technology 5 (1.0, 1), customer contact 4 (reversed: 0.25, 1)
    answers = required_answers(4, 2, 3, technology=5, customer_contact=4)
    expected = 100 * (3 * 0.75 + 3 * 0.25 + 3 * 0.5 + 1 * 1.0 + 1 * 0.25) / 11
    assert score(answers).kpo_score == round(expected, 1) == 52.3


def test_unanswered_factors_drop_out_instead_of_counting_as_middle():
    assert score(required_answers(1, 1, 1)).kpo_score == 0.0
    blank = {factor.value: None for factor in Factor if not factor.required}
    assert score({**required_answers(1, 1, 1), **blank}) == score(required_answers(1, 1, 1))


def test_customer_contact_is_reversed():
    low = score(required_answers(3, 3, 3, customer_contact=1))
    high = score(required_answers(3, 3, 3, customer_contact=5))
    assert low.kpo_score > 50 > high.kpo_score
    assert low.factors[-1].leans is Lean.KPO
    assert high.factors[-1].leans is Lean.BPO


def test_thresholds_are_inclusive():
    answers = required_answers(2, 1, 1)  # kpo_score 8.3
    assert score(answers).kpo_score == 8.3
    inclusive = Parameters(bpo_max=8.3, kpo_min=60)
    assert score(answers, inclusive).verdict is Verdict.BPO
    assert score(answers, Parameters(bpo_max=8.2, kpo_min=60)).verdict is Verdict.HYBRID
    assert score(answers, Parameters(bpo_max=5, kpo_min=8.3)).verdict is Verdict.KPO
    assert score(answers, Parameters(bpo_max=5, kpo_min=8.4)).verdict is Verdict.HYBRID


def test_thresholds_with_more_decimals_than_the_score():
    answers = required_answers(2, 1, 1)  # 8.3
    assert score(answers, Parameters(bpo_max=8.33, kpo_min=60)).verdict is Verdict.BPO
    assert score(answers, Parameters(bpo_max=8.29, kpo_min=60)).verdict is Verdict.HYBRID
    assert score(answers, Parameters(bpo_max=1, kpo_min=8.27)).verdict is Verdict.KPO
    assert score(answers, Parameters(bpo_max=1, kpo_min=8.31)).verdict is Verdict.HYBRID


def test_weights_change_the_score():
    answers = required_answers(5, 1, 1)
    assert score(answers).kpo_score == 33.3
    heavy = dict(DEFAULT_WEIGHTS) | {Factor.TASK_COMPLEXITY: 6.0}
    assert score(answers, Parameters(weights=heavy)).kpo_score == 50.0


def test_opposite_pull_makes_hybrid_even_outside_the_band():
    result = score(PULLING_BOTH_WAYS)
    assert result.opposite_pull
    assert (result.kpo_pull, result.bpo_pull) == (0.72, 0.28)
    assert result.summary == (
        "On balance the answers point to KPO, but 28% of what you answered points firmly "
        "the other way, so the work likely holds parts of each kind."
    )
    switched_off = Parameters(opposite_pull_share=1)
    assert score(PULLING_BOTH_WAYS, switched_off).verdict is Verdict.KPO
    assert not score(PULLING_BOTH_WAYS, switched_off).opposite_pull


def test_opposite_pull_needs_substantial_weight_on_both_sides():
    # Customer contact alone (1 of 18 weight units) cannot pull an expert job to hybrid.
    result = score(every(5, customer_contact=5))
    assert not result.opposite_pull
    assert result.verdict is Verdict.KPO
    assert result.bpo_pull == 0.06


def test_opposite_pull_inside_the_band():
    answers = required_answers(4, 2, 3, process_definition=2, customer_contact=4)
    result = score(answers)
    assert result.verdict is Verdict.HYBRID
    assert result.opposite_pull
    assert result.summary == (
        "The answers pull both ways (25% of what you answered points firmly to expert work, "
        "50% firmly to routine work), so the work likely holds parts of each kind."
    )


@pytest.mark.parametrize(
    ("answers", "start"),
    [
        (
            required_answers(1, 1, 1),
            "The answers describe routine, rule-driven work: a BPO provider",
        ),
        (
            required_answers(5, 5, 5),
            "The answers describe expert, judgment-heavy work: it calls for",
        ),
        (required_answers(3, 3, 3), "The work mixes rule-driven steps with parts that need expert"),
    ],
)
def test_summary_states_verdict_and_why(answers, start):
    assert score(answers).summary.startswith(start)


def test_factor_results_cover_answered_factors_in_order():
    answers = {"customer_contact": 2, **required_answers(4, 1, 3), "technology": 5}
    result = score(answers)
    assert [item.factor for item in result.factors] == [
        Factor.TASK_COMPLEXITY,
        Factor.SKILL_SCARCITY,
        Factor.DECISION_AUTHORITY,
        Factor.TECHNOLOGY,
        Factor.CUSTOMER_CONTACT,
    ]
    first = result.factors[0]
    assert (first.answer, first.weight, first.leans) == (4, 3.0, Lean.KPO)
    assert first.label == "Task complexity"
    assert first.answer_label == "Mostly analytical"
    assert first.reason.startswith("Task complexity 4 of 5 (mostly analytical): ")
    assert result.factors[1].leans is Lean.BPO
    assert result.factors[2].leans is Lean.NEUTRAL
    assert result.factors[2].contribution == 0.0
    assert result.answers() == {item.factor: item.answer for item in result.factors}


@pytest.mark.parametrize(
    "answers",
    [
        required_answers(1, 1, 1),
        required_answers(5, 1, 2, technology=4),
        every(4, 2),
        PULLING_BOTH_WAYS,
    ],
)
def test_contributions_explain_the_score(answers):
    result = score(answers)
    assert round(50 + sum(item.contribution for item in result.factors), 1) == result.kpo_score
    for item in result.factors:
        assert (item.contribution > 0) == (item.leans is Lean.KPO)
        assert (item.contribution < 0) == (item.leans is Lean.BPO)


def test_top_reasons_follow_the_verdict():
    bpo = score(required_answers(1, 2, 1, customer_contact=1))
    assert [item.factor for item in bpo.top_reasons(2)] == [
        Factor.TASK_COMPLEXITY,
        Factor.DECISION_AUTHORITY,
    ]
    assert Factor.CUSTOMER_CONTACT not in [item.factor for item in bpo.top_reasons(9)]
    kpo = score(required_answers(5, 4, 5, customer_contact=5))
    assert [item.factor for item in kpo.top_reasons()] == [
        Factor.TASK_COMPLEXITY,
        Factor.DECISION_AUTHORITY,
        Factor.SKILL_SCARCITY,
    ]
    hybrid = score(PULLING_BOTH_WAYS)
    assert [item.factor for item in hybrid.top_reasons(4)] == [
        Factor.TASK_COMPLEXITY,
        Factor.SKILL_SCARCITY,
        Factor.DECISION_AUTHORITY,
        Factor.PROCESS_DEFINITION,
    ]
    assert score(required_answers(3, 3, 3)).top_reasons() == ()


def test_split_only_for_hybrid():
    assert score(required_answers(1, 1, 1)).split is None
    assert score(required_answers(5, 5, 5)).split is None
    split = score(PULLING_BOTH_WAYS).split
    assert split is not None
    assert split.bpo == (
        Factor.CUSTOMIZATION,
        Factor.DRIVING_FORCE,
        Factor.TECHNOLOGY,
        Factor.CUSTOMER_CONTACT,
    )
    assert split.kpo[:3] == (
        Factor.TASK_COMPLEXITY,
        Factor.SKILL_SCARCITY,
        Factor.DECISION_AUTHORITY,
    )
    assert split.text == (
        "Hand the standard output that is the same for everyone, the work done with everyday "
        "office tools and the calls, chats and emails with your customers to a BPO provider; "
        "keep the analysis of complex or unusual cases, the tasks that need scarce specialist "
        "skills and the judgment calls and decisions with a KPO specialist or in-house."
    )


def test_split_with_one_side_named():
    only_bpo_parts = score(required_answers(2, 3, 3, driving_force=5)).split
    assert only_bpo_parts is not None
    assert only_bpo_parts.kpo == (Factor.DRIVING_FORCE,)
    assert only_bpo_parts.text == (
        "Hand the routine steps that repeat to a BPO provider; keep the cases that need "
        "expert judgment with a KPO specialist or in-house."
    )
    only_kpo_parts = score(required_answers(4, 3, 3, driving_force=1)).split
    assert only_kpo_parts is not None
    assert only_kpo_parts.text == (
        "Hand the routine, rule-driven steps to a BPO provider; keep the analysis of complex "
        "or unusual cases with a KPO specialist or in-house."
    )


def test_split_for_middling_answers_gives_general_advice():
    split = score(every(3, customer_contact=2)).split
    assert split is not None
    assert split.bpo == ()
    assert split.kpo == (Factor.CUSTOMER_CONTACT,)
    # No answer leans BPO, so the advice does not hand anything to a BPO provider.
    assert split.text == (
        "No answer marks out routine work for a BPO provider, so keep the cases that need "
        "expert judgment with a KPO specialist or in-house; the answers in the middle suggest "
        "some steps may be simpler, and the specialist can tell you which."
    )


def test_split_for_middling_answers_with_a_cost_motive_gives_general_advice():
    split = score({**every(3, customer_contact=3), "driving_force": 1}).split
    assert split is not None
    assert split.bpo == (Factor.DRIVING_FORCE,)
    assert split.text.startswith("Your answers sit mostly in the middle")


@pytest.mark.parametrize(
    ("answers", "level", "value"),
    [
        (every(1, customer_contact=5), ConfidenceLevel.HIGH, 1.0),
        (every(2, customer_contact=4), ConfidenceLevel.HIGH, 0.67),
        (required_answers(5, 5, 5), ConfidenceLevel.MEDIUM, 0.62),
        (required_answers(2, 3, 3), ConfidenceLevel.LOW, 0.28),
        (every(3, customer_contact=3), ConfidenceLevel.HIGH, 1.0),
    ],
)
def test_confidence_levels(answers, level, value):
    confidence = score(answers).confidence
    assert (confidence.level, confidence.value) == (level, value)
    # The page names the level once itself; the sentence gives the reasons only.
    assert "confidence" not in confidence.text.lower()


def test_confidence_parts():
    confidence = score(required_answers(5, 5, 5)).confidence
    assert (confidence.margin, confidence.coverage, confidence.tension) == (1.0, 0.5, 0.0)
    assert confidence.text == (
        "The answers sit 35.0 points on the KPO side of the line, and you answered 3 of 9 "
        "questions."
    )


def test_confidence_drops_when_strong_answers_disagree():
    agreeing = score(required_answers(5, 5, 5, core_proximity=5)).confidence
    disagreeing = score(required_answers(5, 5, 5, core_proximity=1)).confidence
    assert disagreeing.tension == 0.36
    assert disagreeing.value < agreeing.value
    assert disagreeing.text.endswith("; 18% of what you answered points firmly the other way.")
    # A BPO verdict with a strong KPO answer says so too.
    bpo = score(required_answers(1, 1, 1, core_proximity=5)).confidence
    assert bpo.text.endswith("; 18% of what you answered points firmly the other way.")


def test_confidence_for_hybrid_called_by_opposite_pull():
    confidence = score(PULLING_BOTH_WAYS).confidence
    # The weaker side holds 27.8% against a 25% rule: 0.028 / 0.25 of the way to an even split.
    assert confidence.margin == 0.11
    assert confidence.level is ConfidenceLevel.LOW
    assert confidence.text.startswith(
        "72% of what you answered points firmly to KPO and 28% firmly to BPO"
    )
    stricter = score(PULLING_BOTH_WAYS, Parameters(opposite_pull_share=0.2)).confidence
    assert stricter.margin > confidence.margin


def test_opposite_pull_share_of_one_half_needs_an_even_split():
    parameters = Parameters(opposite_pull_share=0.5, bpo_max=45, kpo_min=50)
    # Strongly KPO: task 3 + decision 3 + no customer contact 1 = 7 units;
    # strongly BPO: skill 3 + process 2 + core 2 = 7 units. Score 50.0: KPO by the band.
    even = required_answers(5, 1, 5, process_definition=1, core_proximity=1, customer_contact=1)
    result = score(even, parameters)
    assert (result.kpo_score, result.verdict, result.opposite_pull) == (50.0, Verdict.HYBRID, True)
    assert result.confidence.margin == 1.0
    uneven = required_answers(5, 1, 5, process_definition=1, core_proximity=1, customer_contact=3)
    assert not score(uneven, parameters).opposite_pull


def test_invalid_answers_raise_answer_error():
    with pytest.raises(AnswerError):
        score({"task_complexity": 3})
    with pytest.raises(AnswerError):
        score(required_answers(3, 3, 6))


def test_result_knows_its_engine_version():
    assert ENGINE_VERSION == "1.2.0"
    assert score(required_answers(3, 3, 3)).engine_version == ENGINE_VERSION


def test_to_dict_shape():
    data = score(PULLING_BOTH_WAYS).to_dict()
    assert list(data) == [
        "engine_version",
        "verdict",
        "kpo_score",
        "confidence",
        "summary",
        "opposite_pull",
        "kpo_pull",
        "bpo_pull",
        "factors",
        "counterfactuals",
        "split",
    ]
    assert data["verdict"] == "hybrid"
    assert data["kpo_score"] == 72.2
    assert list(data["confidence"]) == ["level", "value", "margin", "coverage", "tension", "text"]
    assert list(data["factors"][0]) == [
        "key",
        "label",
        "answer",
        "answer_label",
        "weight",
        "contribution",
        "leans",
        "reason",
    ]
    assert data["factors"][0]["key"] == "task_complexity"
    assert list(data["counterfactuals"][0]) == [
        "key",
        "current",
        "proposed",
        "verdict",
        "kpo_score",
        "text",
    ]
    assert list(data["split"]) == ["bpo", "kpo", "text"]
    assert json.loads(json.dumps(data)) == data
    assert score(required_answers(1, 1, 1)).to_dict()["split"] is None


@pytest.mark.parametrize("answers", [required_answers(1, 1, 1), PULLING_BOTH_WAYS, every(3, 2)])
def test_result_round_trips_through_json(answers):
    result = score(answers)
    assert Result.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_from_dict_accepts_whole_numbers_for_decimals():
    data = score(required_answers(5, 5, 5)).to_dict()
    data["kpo_score"] = 100
    restored = Result.from_dict(data)
    assert restored.kpo_score == 100.0
    assert isinstance(restored.kpo_score, float)


def test_from_dict_keeps_stored_texts():
    data = score(required_answers(1, 1, 1)).to_dict()
    data["factors"][0]["reason"] = "An older wording."
    data["engine_version"] = "0.9.0"
    restored = Result.from_dict(data)
    assert restored.factors[0].reason == "An older wording."
    assert restored.engine_version == "0.9.0"


def _broken(change):
    data = json.loads(json.dumps(score(PULLING_BOTH_WAYS).to_dict()))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data.pop("verdict"), "missing 'verdict'"),
        (lambda data: data.update(verdict="maybe"), "'maybe' is not a valid Verdict"),
        (lambda data: data.update(kpo_score="72.2"), "'kpo_score' has the wrong type"),
        (lambda data: data.update(kpo_score=True), "'kpo_score' has the wrong type"),
        (lambda data: data.update(opposite_pull=1), "'opposite_pull' has the wrong type"),
        (lambda data: data.update(confidence=[]), "expected an object"),
        (lambda data: data["factors"].append(3), "expected an object"),
        (lambda data: data["factors"][0].update(answer=4.0), "'answer' has the wrong type"),
        (lambda data: data["factors"][0].update(key="colour"), "not a valid Factor"),
        (lambda data: data["split"].update(bpo=[1]), "expected a factor key"),
        (lambda data: data.update(split=[]), "expected an object"),
        (lambda data: data["confidence"].update(level="total"), "not a valid ConfidenceLevel"),
    ],
)
def test_from_dict_rejects_malformed_snapshots(change, message):
    with pytest.raises(ValueError, match=message):
        Result.from_dict(_broken(change))


# Parameters


def test_default_parameters():
    assert Parameters() == DEFAULT_PARAMETERS
    assert dict(DEFAULT_PARAMETERS.weights) == {
        Factor.TASK_COMPLEXITY: 3.0,
        Factor.SKILL_SCARCITY: 3.0,
        Factor.DECISION_AUTHORITY: 3.0,
        Factor.PROCESS_DEFINITION: 2.0,
        Factor.CORE_PROXIMITY: 2.0,
        Factor.CUSTOMIZATION: 1.5,
        Factor.DRIVING_FORCE: 1.5,
        Factor.TECHNOLOGY: 1.0,
        Factor.CUSTOMER_CONTACT: 1.0,
    }
    assert (DEFAULT_PARAMETERS.bpo_max, DEFAULT_PARAMETERS.kpo_min) == (35.0, 65.0)
    assert DEFAULT_PARAMETERS.opposite_pull_share == 0.25


def test_parameters_round_trip_through_json():
    parameters = Parameters(
        weights={factor.value: 0.1 * (index + 1) for index, factor in enumerate(Factor)},
        bpo_max=30,
        kpo_min=70.5,
        opposite_pull_share=0.3,
    )
    data = json.loads(json.dumps(parameters.to_dict()))
    assert data == {
        "weights": {factor.value: 0.1 * (index + 1) for index, factor in enumerate(Factor)},
        "bpo_max": 30.0,
        "kpo_min": 70.5,
        "opposite_pull_share": 0.3,
    }
    restored = Parameters.from_dict(data)
    assert restored == parameters
    assert hash(restored) == hash(parameters)
    assert list(restored.weights) == list(Factor)


def test_parameters_are_frozen_and_replace_revalidates():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_PARAMETERS.bpo_max = 10  # type: ignore[misc]
    assert dataclasses.replace(DEFAULT_PARAMETERS, bpo_max=40).bpo_max == 40
    with pytest.raises(ValueError, match="bpo_max < kpo_min"):
        dataclasses.replace(DEFAULT_PARAMETERS, bpo_max=70)


def test_decimal_weights_are_read_as_decimals():
    # 0.1 + 0.2 is not 0.3 in binary floating point; the scorer reads weights as decimals.
    weights = dict(DEFAULT_WEIGHTS) | {
        Factor.TASK_COMPLEXITY: 0.1,
        Factor.SKILL_SCARCITY: 0.2,
        Factor.DECISION_AUTHORITY: 0.3,
    }
    # Lean: 1, 1, 0 on weights 0.1, 0.2, 0.3 -> exactly 50.
    result = score(required_answers(5, 5, 1), Parameters(weights=weights))
    assert result.kpo_score == 50.0


def _weights(**changes):
    return {factor.value: 1.0 for factor in Factor} | changes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "parameters must be a mapping"),
        ({"weights": _weights(), "bpo_max": 35, "kpo_min": 65}, "missing parameters: opposite"),
        (
            {
                "weights": _weights(),
                "bpo_max": 35,
                "kpo_min": 65,
                "opposite_pull_share": 0.2,
                "x": 1,
            },
            "unknown parameters: x",
        ),
        (
            {"weights": [1] * 9, "bpo_max": 35, "kpo_min": 65, "opposite_pull_share": 0.2},
            "weights must be a mapping",
        ),
        (
            {"weights": _weights(), "bpo_max": 65, "kpo_min": 65, "opposite_pull_share": 0.2},
            "0 <= bpo_max < kpo_min <= 100; got bpo_max=65, kpo_min=65",
        ),
        (
            {"weights": _weights(), "bpo_max": 70, "kpo_min": 60, "opposite_pull_share": 0.2},
            "bpo_max < kpo_min",
        ),
        (
            {"weights": _weights(), "bpo_max": -1, "kpo_min": 60, "opposite_pull_share": 0.2},
            "0 <= bpo_max",
        ),
        (
            {"weights": _weights(), "bpo_max": 30, "kpo_min": 101, "opposite_pull_share": 0.2},
            "kpo_min <= 100",
        ),
        (
            {"weights": _weights(), "bpo_max": "30", "kpo_min": 60, "opposite_pull_share": 0.2},
            "bpo_max must be a finite number, not '30'",
        ),
        (
            {"weights": _weights(), "bpo_max": 30, "kpo_min": math.nan, "opposite_pull_share": 0.2},
            "kpo_min must be a finite number",
        ),
        (
            {"weights": _weights(), "bpo_max": 30, "kpo_min": 60, "opposite_pull_share": 0},
            "opposite_pull_share must be above 0 and at most 1, not 0",
        ),
        (
            {"weights": _weights(), "bpo_max": 30, "kpo_min": 60, "opposite_pull_share": 1.5},
            "opposite_pull_share must be above 0",
        ),
        (
            {"weights": _weights(), "bpo_max": 30, "kpo_min": 60, "opposite_pull_share": False},
            "opposite_pull_share must be a finite number",
        ),
    ],
)
def test_parameters_from_dict_rejects_bad_values(data, message):
    with pytest.raises(ValueError, match=message):
        Parameters.from_dict(data)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (_weights(technology=-1), "weight for technology must be above 0, not -1"),
        (_weights(technology=0), "weight for technology must be above 0, not 0"),
        (_weights(technology=math.inf), "weight for technology must be a finite number"),
        (_weights(technology=True), "weight for technology must be a finite number"),
        (_weights(technology="2"), "weight for technology must be a finite number"),
        (_weights(colour=1), "weights has unknown factors: colour"),
        ({"task_complexity": 1}, "weights is missing skill_scarcity"),
        ([1.0] * 9, "weights must be a mapping"),
    ],
)
def test_parameters_reject_bad_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        Parameters(weights=weights)

"""Properties over the whole answer space: each factor absent (optional ones only) or 1..5."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.engine import (
    DEFAULT_WEIGHTS,
    REQUIRED_FACTORS,
    Factor,
    Parameters,
    ProcessType,
    Result,
    Verdict,
    parse_answers,
    score,
)

answer = st.integers(min_value=1, max_value=5)


@st.composite
def answer_sets(draw):
    answers = {}
    for factor in Factor:
        if factor in REQUIRED_FACTORS or draw(st.booleans()):
            answers[factor] = draw(answer)
    return answers


@st.composite
def parameter_sets(draw):
    weights = {
        factor: draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 0.1, 4.25]))
        for factor in Factor
    }
    bpo_max = draw(st.integers(min_value=0, max_value=989)) / 10
    kpo_min = draw(st.integers(min_value=int(bpo_max * 10) + 1, max_value=1000)) / 10
    share = draw(st.sampled_from([0.05, 0.2, 0.25, 1 / 3, 0.5, 0.75, 1.0]))
    return Parameters(weights=weights, bpo_max=bpo_max, kpo_min=kpo_min, opposite_pull_share=share)


kpo_leaning = st.sampled_from([factor for factor in Factor if factor.leans is ProcessType.KPO])
common = settings(max_examples=150, deadline=None)


@common
@given(answer_sets(), kpo_leaning, parameter_sets())
def test_raising_a_kpo_leaning_answer_never_lowers_kpo_score(answers, factor, parameters):
    scores = [score({**answers, factor: value}, parameters).kpo_score for value in range(1, 6)]
    assert scores == sorted(scores)
    assert scores[0] < scores[-1]


@common
@given(answer_sets(), parameter_sets())
def test_raising_customer_contact_never_raises_kpo_score(answers, parameters):
    scores = [
        score({**answers, Factor.CUSTOMER_CONTACT: value}, parameters).kpo_score
        for value in range(1, 6)
    ]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]


@common
@given(answer_sets(), parameter_sets())
def test_score_is_in_range_and_verdict_follows_the_thresholds(answers, parameters):
    result = score(answers, parameters)
    assert 0 <= result.kpo_score <= 100
    assert result.kpo_score == round(result.kpo_score, 1)
    if result.opposite_pull or parameters.bpo_max < result.kpo_score < parameters.kpo_min:
        assert result.verdict is Verdict.HYBRID
    elif result.kpo_score <= parameters.bpo_max:
        assert result.verdict is Verdict.BPO
    else:
        assert result.verdict is Verdict.KPO
    assert (result.split is not None) == (result.verdict is Verdict.HYBRID)
    assert 0 <= result.confidence.value <= 1


@common
@given(answer_sets())
def test_deterministic(answers):
    reordered = dict(reversed(list(answers.items())))
    assert score(answers).to_dict() == score(answers).to_dict() == score(reordered).to_dict()


@common
@given(answer_sets(), parameter_sets())
def test_every_counterfactual_rescores_to_the_verdict_it_claims(answers, parameters):
    result = score(answers, parameters)
    assert len(result.counterfactuals) <= 5
    sizes = [abs(change.proposed - change.current) for change in result.counterfactuals]
    assert sizes == sorted(sizes)
    for change in result.counterfactuals:
        assert change.current == answers[change.factor] != change.proposed
        rescored = score({**answers, change.factor: change.proposed}, parameters)
        assert rescored.verdict is change.verdict
        assert change.verdict is not result.verdict
        assert rescored.kpo_score == change.kpo_score
        # No smaller change to the same factor would have flipped it.
        for value in range(1, 6):
            if 0 < abs(value - change.current) < abs(change.proposed - change.current):
                nearer = score({**answers, change.factor: value}, parameters)
                assert nearer.verdict is result.verdict


@common
@given(answer_sets())
def test_no_counterfactuals_means_no_single_change_flips(answers):
    result = score(answers)
    if result.counterfactuals:
        return
    for factor in answers:
        for value in range(1, 6):
            assert score({**answers, factor: value}).verdict is result.verdict


@common
@given(answer_sets(), parameter_sets())
def test_to_dict_from_dict_round_trip(answers, parameters):
    result = score(answers, parameters)
    stored = json.loads(json.dumps(result.to_dict()))
    assert Result.from_dict(stored) == result
    assert Result.from_dict(stored).to_dict() == result.to_dict()
    assert Parameters.from_dict(json.loads(json.dumps(parameters.to_dict()))) == parameters


@common
@given(answer_sets(), parameter_sets())
def test_contributions_explain_the_score(answers, parameters):
    result = score(answers, parameters)
    assert [item.factor for item in result.factors] == [f for f in Factor if f in answers]
    total = sum(round(item.contribution * 10) for item in result.factors)
    assert total == round(result.kpo_score * 10) - 500
    for item in result.factors:
        assert item.weight == parameters.weights[item.factor]
        lean = (item.answer - 1) / 4
        if item.factor is Factor.CUSTOMER_CONTACT:
            lean = 1 - lean
        share = item.weight / sum(parameters.weights[f] for f in answers)
        exact = 100 * share * (lean - 0.5)
        assert abs(item.contribution - exact) < 0.1 + 1e-9


@common
@given(answer_sets())
def test_parse_answers_accepts_form_strings(answers):
    as_strings = {factor.value: str(value) for factor, value in answers.items()}
    blanks = {factor.value: "" for factor in Factor if factor not in answers}
    assert parse_answers(as_strings | blanks) == answers
    assert score(as_strings | blanks) == score(answers)


@common
@given(answer_sets())
def test_default_weights_are_the_default(answers):
    assert score(answers) == score(answers, Parameters(weights=dict(DEFAULT_WEIGHTS)))

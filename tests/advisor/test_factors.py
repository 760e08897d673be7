import pytest

from advisor.engine import (
    ANSWER_MAX,
    ANSWER_MIN,
    FACTOR_TEXTS,
    REQUIRED_FACTORS,
    AnswerError,
    Choice,
    Factor,
    Lean,
    ProcessType,
    Verdict,
    parse_answers,
)

REQUIRED = {"task_complexity": 3, "skill_scarcity": 3, "decision_authority": 3}


def test_factor_keys_are_the_public_contract():
    assert [factor.value for factor in Factor] == [
        "task_complexity",
        "skill_scarcity",
        "decision_authority",
        "process_definition",
        "core_proximity",
        "customization",
        "driving_force",
        "technology",
        "customer_contact",
    ]
    assert REQUIRED_FACTORS == (
        Factor.TASK_COMPLEXITY,
        Factor.SKILL_SCARCITY,
        Factor.DECISION_AUTHORITY,
    )
    assert (ANSWER_MIN, ANSWER_MAX) == (1, 5)


def test_enum_values_and_labels():
    assert [verdict.value for verdict in Verdict] == ["bpo", "kpo", "hybrid"]
    assert [verdict.label for verdict in Verdict] == ["BPO", "KPO", "Hybrid"]
    assert [kind.label for kind in ProcessType] == ["BPO", "KPO"]
    assert [lean.value for lean in Lean] == ["bpo", "kpo", "neutral"]


def test_long_labels_name_each_kind_in_full():
    assert [kind.long_label for kind in ProcessType] == [
        "Business process outsourcing",
        "Knowledge process outsourcing",
    ]
    assert [verdict.long_label for verdict in Verdict] == [
        "Business process outsourcing",
        "Knowledge process outsourcing",
        "A mix of BPO and KPO",
    ]


def test_only_customer_contact_leans_bpo():
    leaning_bpo = [factor for factor in Factor if factor.leans is ProcessType.BPO]
    assert leaning_bpo == [Factor.CUSTOMER_CONTACT]


def test_required_flag_matches_required_factors():
    assert [factor for factor in Factor if factor.required] == list(REQUIRED_FACTORS)


def test_every_factor_has_texts_in_questionnaire_order():
    assert list(FACTOR_TEXTS) == list(Factor)
    for factor, text in FACTOR_TEXTS.items():
        assert text.factor is factor
        assert text.label == factor.label
        assert text.question.endswith("?")
        assert len(text.help_text) > 40
        for sentence in (text.low_reason, text.mid_reason, text.high_reason):
            assert sentence.endswith(".")


@pytest.mark.parametrize("factor", list(Factor))
def test_five_concrete_choices_per_factor(factor):
    text = FACTOR_TEXTS[factor]
    assert [choice.value for choice in text.choices] == [1, 2, 3, 4, 5]
    labels = [choice.label for choice in text.choices]
    assert len(set(labels)) == 5
    for choice in text.choices:
        assert not choice.label.isdigit()
        assert choice.example
        assert choice.text == f"{choice.label}: {choice.example}"
        assert text.choice(choice.value) is choice


def test_reason_is_specific_to_the_answer():
    text = FACTOR_TEXTS[Factor.DECISION_AUTHORITY]
    assert text.reason(4) == (
        "Decision authority 4 of 5 (recommends decisions): the provider would make or "
        "recommend real business decisions, which is knowledge work."
    )
    assert text.reason(1).startswith("Decision authority 1 of 5 (follows fixed rules): ")
    assert text.reason(1).endswith(text.low_reason)
    assert text.reason(2).endswith(text.low_reason)
    assert text.reason(3).endswith(text.mid_reason)
    assert text.reason(5).endswith(text.high_reason)


def test_split_parts_exist_where_an_answer_describes_a_slice_of_work():
    assert FACTOR_TEXTS[Factor.CUSTOMER_CONTACT].bpo_part
    assert FACTOR_TEXTS[Factor.CUSTOMER_CONTACT].kpo_part is None
    assert FACTOR_TEXTS[Factor.DRIVING_FORCE].bpo_part is None
    for factor in REQUIRED_FACTORS:
        assert FACTOR_TEXTS[factor].bpo_part and FACTOR_TEXTS[factor].kpo_part


def test_choice_is_a_frozen_value():
    choice = Choice(1, "Label", "example")
    with pytest.raises(AttributeError):
        choice.label = "other"  # type: ignore[misc]


def test_parse_answers_accepts_ints_digit_strings_and_factor_keys():
    raw = {
        Factor.TASK_COMPLEXITY: 1,
        "skill_scarcity": "2",
        "decision_authority": " 5 ",
        "technology": "+4",
        "customer_contact": 3,
    }
    assert parse_answers(raw) == {
        Factor.TASK_COMPLEXITY: 1,
        Factor.SKILL_SCARCITY: 2,
        Factor.DECISION_AUTHORITY: 5,
        Factor.TECHNOLOGY: 4,
        Factor.CUSTOMER_CONTACT: 3,
    }


def test_parse_answers_returns_questionnaire_order():
    raw = {"customer_contact": 1, "decision_authority": 2, "skill_scarcity": 3, **REQUIRED}
    raw = dict(reversed(list(raw.items())))
    assert list(parse_answers(raw)) == [
        Factor.TASK_COMPLEXITY,
        Factor.SKILL_SCARCITY,
        Factor.DECISION_AUTHORITY,
        Factor.CUSTOMER_CONTACT,
    ]


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_optional_answers_drop_out(blank):
    assert parse_answers({**REQUIRED, "technology": blank}) == parse_answers(REQUIRED)


@pytest.mark.parametrize("blank", [None, ""])
def test_blank_required_answer_is_an_error(blank):
    with pytest.raises(AnswerError) as caught:
        parse_answers({**REQUIRED, "skill_scarcity": blank})
    assert caught.value.errors == {
        "skill_scarcity": "Skill scarcity is required: choose an answer from 1 to 5."
    }


def test_every_missing_required_factor_is_reported():
    with pytest.raises(AnswerError) as caught:
        parse_answers({})
    assert list(caught.value.errors) == [factor.value for factor in REQUIRED_FACTORS]
    assert len(caught.value.messages) == 3


@pytest.mark.parametrize("value", [True, False, 3.0, 3.5, "abc", "3.5", [3], "\u0663"])
def test_non_integers_are_rejected(value):
    with pytest.raises(AnswerError) as caught:
        parse_answers({**REQUIRED, "technology": value})
    assert caught.value.messages == [
        f"Technology must be a whole number from 1 to 5, not {value!r}."
    ]


@pytest.mark.parametrize("value", [0, 6, -1, "0", "6", "-2", 100])
def test_out_of_range_values_are_rejected(value):
    with pytest.raises(AnswerError) as caught:
        parse_answers({**REQUIRED, "task_complexity": value})
    assert caught.value.messages == [f"Task complexity must be between 1 and 5, not {int(value)}."]


def test_unknown_keys_are_errors_unless_ignored():
    raw = {**REQUIRED, "zeta": 1, "alpha": 2, 7: 3}
    with pytest.raises(AnswerError) as caught:
        parse_answers(raw)
    assert caught.value.messages == [
        "'7' is not one of the questions.",
        "'alpha' is not one of the questions.",
        "'zeta' is not one of the questions.",
    ]
    assert parse_answers(raw, ignore_unknown=True) == parse_answers(REQUIRED)


def test_answer_error_lists_everything_and_prints_on_one_line():
    with pytest.raises(AnswerError) as caught:
        parse_answers({"task_complexity": 9, "technology": "x", "colour": 1})
    error = caught.value
    assert isinstance(error, ValueError)
    assert list(error.errors) == [
        "task_complexity",
        "skill_scarcity",
        "decision_authority",
        "technology",
        "colour",
    ]
    assert error.messages == list(error.errors.values())
    assert str(error) == " ".join(error.messages)
    assert "\n" not in str(error)


def test_a_number_too_long_to_read_is_out_of_range_in_one_short_sentence():
    # Python refuses to turn more than 4,300 digits into an int.
    with pytest.raises(AnswerError) as caught:
        parse_answers({**REQUIRED, "technology": "9" * 4301})
    assert caught.value.messages == [
        "Technology must be between 1 and 5, not a number 4,301 digits long."
    ]

"""What the work is: the typical answers of the chosen services, filled only where the
buyer left a question open, and the buyer's default time zone."""

from advisor.engine import Factor
from advisor.engine.work import (
    Requirement,
    Task,
    default_timezone,
    fill_unanswered,
    typical_answers,
)


def test_typical_answers_are_the_median_per_question():
    profiles = [
        {Factor.TASK_COMPLEXITY: 1, Factor.TECHNOLOGY: 2},
        {Factor.TASK_COMPLEXITY: 5, Factor.TECHNOLOGY: 2},
        {Factor.TASK_COMPLEXITY: 2},
    ]
    assert typical_answers(profiles) == {Factor.TASK_COMPLEXITY: 2, Factor.TECHNOLOGY: 2}


def test_an_even_count_rounds_the_middle_half_up():
    profiles = [{Factor.SKILL_SCARCITY: 3}, {Factor.SKILL_SCARCITY: 4}]
    assert typical_answers(profiles) == {Factor.SKILL_SCARCITY: 4}


def test_no_service_gives_no_typical_answers():
    assert typical_answers([]) == {}


def test_only_open_questions_are_filled_and_named():
    answers = {"task_complexity": "5", "skill_scarcity": "", "budget": "40"}
    typical = {Factor.TASK_COMPLEXITY: 1, Factor.SKILL_SCARCITY: 2, Factor.TECHNOLOGY: 3}
    filled, added = fill_unanswered(answers, typical)
    assert filled == {
        "task_complexity": "5",
        "skill_scarcity": 2,
        "technology": 3,
        "budget": "40",
    }
    assert added == [Factor.SKILL_SCARCITY, Factor.TECHNOLOGY]


def test_a_country_gives_its_first_listed_zone():
    assert default_timezone("AU") == "Australia/Lord_Howe"
    assert default_timezone("ph") == "Asia/Manila"
    assert default_timezone("ZZ") is None


def test_a_task_and_its_requirements_read_plainly():
    task = Task(name="Customer email and chat support")
    assert (task.description, task.services) == ("", ())
    assert [requirement.label for requirement in Requirement] == [
        "Delivery countries",
        "Languages",
        "Certifications",
        "Highest hourly rate",
        "24/7 coverage",
    ]

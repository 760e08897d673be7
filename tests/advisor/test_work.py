from datetime import date

import pytest

from advisor.engine import (
    Factor,
    Requirement,
    Task,
    default_timezone,
    fill_unanswered,
    overlap_hours,
    typical_answers,
)
from advisor.engine.work import TASK_NAME_MAX

# A Wednesday, and a Saturday, in January: no daylight saving in the north.
WEDNESDAY = date(2027, 1, 13)
SATURDAY = date(2027, 1, 16)


def test_a_task_is_named_and_keeps_each_service_once_in_the_buyers_order():
    task = Task("  Customer email and chat support ", " Replies ", ("email-support",) * 2)
    assert task == Task("Customer email and chat support", "Replies", ("email-support",))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "ab"}, "Name the work in 3 to 120 characters"),
        ({"name": "x" * (TASK_NAME_MAX + 1)}, "Name the work"),
        ({"name": "Work", "description": "x" * 2001}, "at most 2000 characters"),
        ({"name": "Work", "services": tuple("abcdef")}, "at most 5 services"),
    ],
)
def test_a_task_refuses_what_the_form_refuses(fields, message):
    with pytest.raises(ValueError, match=message):
        Task(**fields)


def test_requirements_have_labels():
    assert [requirement.label for requirement in Requirement] == [
        "Delivery countries",
        "Languages",
        "Certifications",
        "Highest hourly rate",
        "24/7 coverage",
    ]


def test_typical_answers_are_the_median_rounded_half_up():
    low = dict.fromkeys(Factor, 2)
    high = dict.fromkeys(Factor, 3)
    assert typical_answers([low]) == low
    assert typical_answers([low, high]) == high
    assert typical_answers([low, low, high]) == low
    assert typical_answers([]) == {}


def test_filling_keeps_every_answer_given():
    typical = dict.fromkeys(Factor, 4)
    given = {"task_complexity": "2", "skill_scarcity": "", "decision_authority": None}
    filled, changed = fill_unanswered(given, typical)
    assert filled["task_complexity"] == "2"
    assert filled["skill_scarcity"] == filled["decision_authority"] == filled["technology"] == 4
    assert Factor.TASK_COMPLEXITY not in changed
    assert len(changed) == len(Factor) - 1


def test_a_countrys_default_zone_is_the_first_listed():
    assert default_timezone("US") == "America/New_York"
    assert default_timezone("ph") == "Asia/Manila"
    assert default_timezone("XX") is None


@pytest.mark.parametrize(
    ("vendor", "buyer", "hours"),
    [
        ("Europe/Sofia", "Europe/Berlin", 7),
        ("Europe/Berlin", "Europe/Berlin", 8),
        ("America/Bogota", "America/New_York", 8),  # the same offset in winter
        ("Asia/Manila", "America/New_York", 0),
        ("Asia/Kolkata", "Europe/London", 3),  # 5:30 ahead: 2.5 hours, rounded half up
        ("Pacific/Auckland", "America/Los_Angeles", 5),  # across the date line
    ],
)
def test_overlap_of_two_working_days(vendor, buyer, hours):
    assert overlap_hours(vendor, buyer, round_the_clock=False, on=WEDNESDAY) == hours


def test_overlap_on_a_weekend_is_measured_on_the_next_weekday():
    assert overlap_hours("Europe/Sofia", "Europe/Berlin", round_the_clock=False, on=SATURDAY) == 7


def test_a_round_the_clock_vendor_covers_the_whole_day():
    assert overlap_hours("Asia/Manila", "America/New_York", round_the_clock=True, on=WEDNESDAY) == 8

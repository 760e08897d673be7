"""The nine factors a buyer answers, and the two kinds of outsourcing they point to.

This module also turns raw input (a form's cleaned data, a JSON body, a command
line) into validated answers: see `parse_answers`.
"""

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class ProcessType(StrEnum):
    BPO = "bpo"
    KPO = "kpo"

    @property
    def label(self) -> str:
        return self.value.upper()

    @property
    def long_label(self) -> str:
        return _PROCESS_TYPE_NAMES[self]


_PROCESS_TYPE_NAMES = {
    ProcessType.BPO: "Business process outsourcing",
    ProcessType.KPO: "Knowledge process outsourcing",
}


class Verdict(StrEnum):
    BPO = "bpo"
    KPO = "kpo"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return "Hybrid" if self is Verdict.HYBRID else self.value.upper()

    @property
    def long_label(self) -> str:
        if self is Verdict.HYBRID:
            return "A mix of BPO and KPO"
        return ProcessType(self.value).long_label


class Lean(StrEnum):
    """Which way one answer pulls the verdict."""

    BPO = "bpo"
    KPO = "kpo"
    NEUTRAL = "neutral"


class Factor(StrEnum):
    TASK_COMPLEXITY = "task_complexity"
    SKILL_SCARCITY = "skill_scarcity"
    DECISION_AUTHORITY = "decision_authority"
    PROCESS_DEFINITION = "process_definition"
    CORE_PROXIMITY = "core_proximity"
    CUSTOMIZATION = "customization"
    DRIVING_FORCE = "driving_force"
    TECHNOLOGY = "technology"
    CUSTOMER_CONTACT = "customer_contact"

    @property
    def leans(self) -> ProcessType:
        """The kind of outsourcing a high answer points to."""
        if self is Factor.CUSTOMER_CONTACT:
            return ProcessType.BPO
        return ProcessType.KPO

    @property
    def label(self) -> str:
        """A short name for headings, reasons and counterfactuals."""
        return _LABELS[self]

    @property
    def required(self) -> bool:
        return self in REQUIRED_FACTORS


_LABELS = {
    Factor.TASK_COMPLEXITY: "Task complexity",
    Factor.SKILL_SCARCITY: "Skill scarcity",
    Factor.DECISION_AUTHORITY: "Decision authority",
    Factor.PROCESS_DEFINITION: "Process definition",
    Factor.CORE_PROXIMITY: "Closeness to core",
    Factor.CUSTOMIZATION: "Customization",
    Factor.DRIVING_FORCE: "Driving force",
    Factor.TECHNOLOGY: "Technology",
    Factor.CUSTOMER_CONTACT: "Customer contact",
}

REQUIRED_FACTORS = (
    Factor.TASK_COMPLEXITY,
    Factor.SKILL_SCARCITY,
    Factor.DECISION_AUTHORITY,
)

ANSWER_MIN = 1
ANSWER_MAX = 5

_FACTORS_BY_KEY = {factor.value: factor for factor in Factor}
_INTEGER = re.compile(r"[+-]?[0-9]+")
# Python refuses to turn more than 4,300 digits into an int; no answer needs 20.
_LONGEST_NUMBER = 20


class AnswerError(ValueError):
    """Raised by `parse_answers` for input that cannot be scored.

    `messages` lists every problem as a sentence, in a stable order (the
    factors in questionnaire order, then unknown keys sorted); `errors` maps
    each offending key to its message, for attaching to form fields.
    `str(error)` joins the messages on one line.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        self.messages: list[str] = list(self.errors.values())
        super().__init__(" ".join(self.messages))


def parse_answers(raw: Mapping[Any, object], *, ignore_unknown: bool = False) -> dict[Factor, int]:
    """Validate raw answers and return them keyed by `Factor`, in questionnaire order.

    Keys are factor keys (plain strings or `Factor` members; any other key is
    reported as unknown). A value may be an
    int or a string of decimal digits ("3", " 4 "); bools, floats (even 3.0) and
    any other text are rejected. `None` or an empty string means "not
    answered", which is allowed for the optional factors only: an unanswered
    factor simply drops out of the score. Unknown keys are errors unless
    `ignore_unknown` is set.

    Raises `AnswerError` listing every problem at once.
    """
    errors: dict[str, str] = {}
    answers: dict[Factor, int] = {}
    for factor in Factor:
        value = raw.get(factor.value)
        if isinstance(value, str):
            value = value.strip()
            if _INTEGER.fullmatch(value) and len(value) > _LONGEST_NUMBER:
                errors[factor.value] = (
                    f"{factor.label} must be between {ANSWER_MIN} and {ANSWER_MAX}, "
                    f"not a number {len(value.lstrip('+-')):,} digits long."
                )
                continue
            if _INTEGER.fullmatch(value):
                value = int(value)
        if value is None or value == "":
            if factor.required:
                errors[factor.value] = (
                    f"{factor.label} is required: choose an answer from "
                    f"{ANSWER_MIN} to {ANSWER_MAX}."
                )
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[factor.value] = (
                f"{factor.label} must be a whole number from {ANSWER_MIN} to {ANSWER_MAX}, "
                f"not {value!r}."
            )
        elif not ANSWER_MIN <= value <= ANSWER_MAX:
            errors[factor.value] = (
                f"{factor.label} must be between {ANSWER_MIN} and {ANSWER_MAX}, not {value}."
            )
        else:
            answers[factor] = value
    if not ignore_unknown:
        unknown = sorted(str(key) for key in raw if key not in _FACTORS_BY_KEY)
        for key in unknown:
            errors[key] = f"{key!r} is not one of the questions."
    if errors:
        raise AnswerError(errors)
    return answers

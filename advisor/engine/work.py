"""What the work is, apart from how it is done: its name, description and the catalog
services that describe it; which preferences are required; and the typical answers
the chosen services give the nine questions."""

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib.resources import files

from advisor.engine.factors import Factor

TASK_NAME_MIN = 3
TASK_NAME_MAX = 120
TASK_DESCRIPTION_MAX = 2000
TASK_SERVICES_MAX = 5


class Requirement(StrEnum):
    """A preference the buyer may mark as required rather than merely preferred."""

    COUNTRIES = "countries"
    LANGUAGES = "languages"
    CERTIFICATIONS = "certifications"
    BUDGET = "budget"
    NEEDS_24_7 = "needs_24_7"

    @property
    def label(self) -> str:
        return _REQUIREMENT_LABELS[self]


_REQUIREMENT_LABELS = {
    Requirement.COUNTRIES: "Delivery countries",
    Requirement.LANGUAGES: "Languages",
    Requirement.CERTIFICATIONS: "Certifications",
    Requirement.BUDGET: "Highest hourly rate",
    Requirement.NEEDS_24_7: "24/7 coverage",
}


@dataclass(frozen=True)
class Task:
    """The work the advice is about; `services` are catalog slugs in the buyer's order."""

    name: str
    description: str = ""
    services: tuple[str, ...] = ()


def typical_answers(profiles: Sequence[Mapping[Factor, int]]) -> dict[Factor, int]:
    """The median answer per factor across the profiles; for an even count the middle
    two are averaged and a half rounded up (3 and 4 give 4)."""
    return {
        factor: math.floor(statistics.median(values) + 0.5)
        for factor in Factor
        if (values := [profile[factor] for profile in profiles if factor in profile])
    }


def fill_unanswered(
    answers: Mapping[str, object], typical: Mapping[Factor, int]
) -> tuple[dict[str, object], list[Factor]]:
    """The answers with each unanswered question (missing or blank) given its typical
    answer; what was answered is kept as it is. Also returns the factors filled."""
    filled = dict(answers)
    added = []
    for factor, answer in typical.items():
        if str(answers.get(factor.value) or "").strip():
            continue
        filled[factor.value] = answer
        added.append(factor)
    return filled, added


def default_timezone(country: str) -> str | None:
    """The first IANA zone zone.tab lists for an ISO 3166 alpha-2 country code."""
    table = files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    for line in table.splitlines():
        fields = line.split("\t")
        if not line.startswith("#") and len(fields) >= 3 and fields[0] == country.upper():
            return fields[2]
    return None

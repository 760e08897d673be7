"""The buyer's work: what it is, what the buyer requires of a vendor, and where the
buyer is. Pure data and small rules; the questionnaire, the command and matching use
them alike.
"""

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from advisor.engine.factors import Factor

TASK_NAME_MIN = 3
TASK_NAME_MAX = 120
TASK_DESCRIPTION_MAX = 2000
TASK_SERVICES_MAX = 5
# A working day, on both sides: 9:00 to 17:00 local time.
WORKDAY_START = time(9)
WORKDAY_HOURS = 8


class Requirement(StrEnum):
    """A preference the buyer can make required rather than merely preferred."""

    COUNTRIES = "countries"
    LANGUAGES = "languages"
    CERTIFICATIONS = "certifications"
    BUDGET = "budget"
    NEEDS_24_7 = "needs_24_7"

    @property
    def label(self) -> str:
        return _REQUIREMENT_LABELS[self]


class DataKind(StrEnum):
    PERSONAL = "personal"
    PAYMENT_CARDS = "payment_cards"
    HEALTH = "health"
    FINANCIAL = "financial"
    CONFIDENTIAL = "confidential"

    @property
    def label(self) -> str:
        return _DATA_LABELS[self]


_DATA_LABELS = {
    DataKind.PERSONAL: "Personal data about people",
    DataKind.PAYMENT_CARDS: "Card payments",
    DataKind.HEALTH: "Health data",
    DataKind.FINANCIAL: "Financial records",
    DataKind.CONFIDENTIAL: "Confidential business information",
}

_REQUIREMENT_LABELS = {
    Requirement.COUNTRIES: "Delivery countries",
    Requirement.LANGUAGES: "Languages",
    Requirement.CERTIFICATIONS: "Certifications",
    Requirement.BUDGET: "Highest hourly rate",
    Requirement.NEEDS_24_7: "24/7 coverage",
}


@dataclass(frozen=True)
class Task:
    """The work the advice is about: a name, a description and the catalog services
    (slugs, in the buyer's order) that describe it."""

    name: str
    description: str = ""
    services: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        name = self.name.strip()
        if not TASK_NAME_MIN <= len(name) <= TASK_NAME_MAX:
            raise ValueError(f"Name the work in {TASK_NAME_MIN} to {TASK_NAME_MAX} characters.")
        if len(self.description) > TASK_DESCRIPTION_MAX:
            raise ValueError(f"Describe the work in at most {TASK_DESCRIPTION_MAX} characters.")
        services = tuple(dict.fromkeys(self.services))
        if len(services) > TASK_SERVICES_MAX:
            raise ValueError(f"Choose at most {TASK_SERVICES_MAX} services.")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "description", self.description.strip())
        object.__setattr__(self, "services", services)


def typical_answers(profiles: Sequence[Mapping[Factor, int]]) -> dict[Factor, int]:
    """The typical answer per factor of several services: their median, and for an
    even count the mean of the two middle answers rounded half up (2 and 3 give 3)."""
    if not profiles:
        return {}
    return {
        factor: math.floor(statistics.median(profile[factor] for profile in profiles) + 0.5)
        for factor in Factor
    }


def fill_unanswered(
    answers: Mapping[str, object], typical: Mapping[Factor, int]
) -> tuple[dict[str, object], list[Factor]]:
    """The answers with every unanswered question (missing, None or blank) set to its
    typical answer, and the factors filled that way. An answer given is never replaced."""
    filled = dict(answers)
    changed = []
    for factor, value in typical.items():
        if filled.get(factor.value) in (None, ""):
            filled[factor.value] = value
            changed.append(factor)
    return filled, changed


@cache
def _first_zones() -> dict[str, str]:
    zones: dict[str, str] = {}
    table = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _, zone = line.split("\t")[:3]
            zones.setdefault(country, zone)
    return zones


def default_timezone(country: str) -> str | None:
    """The first IANA zone listed for a country (ISO 3166 alpha-2), or None."""
    return _first_zones().get(country.upper())


def _workday(zone: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, WORKDAY_START, tzinfo=zone)
    return start, start + timedelta(hours=WORKDAY_HOURS)


def overlap_hours(
    vendor_timezone: str, buyer_timezone: str, *, round_the_clock: bool, on: date
) -> int:
    """Hours (0 to 8, rounded half up) of the buyer's 9:00 to 17:00 that fall in the
    vendor's 9:00 to 17:00, on the first weekday from `on`; the vendor's day before
    and after count too, across the date line. A 24/7 vendor covers all 8."""
    if round_the_clock:
        return WORKDAY_HOURS
    while on.weekday() >= 5:
        on += timedelta(days=1)
    buyer_start, buyer_end = _workday(ZoneInfo(buyer_timezone), on)
    vendor_zone = ZoneInfo(vendor_timezone)
    seconds = 0.0
    for shift in (-1, 0, 1):
        start, end = _workday(vendor_zone, on + timedelta(days=shift))
        seconds = max(seconds, (min(end, buyer_end) - max(start, buyer_start)).total_seconds())
    return math.floor(seconds / 3600 + 0.5)

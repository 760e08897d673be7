"""What the work will cost: a monthly and first-year range for each delivery country,
the costs that do not appear on a vendor's rate card, and the savings against doing
the work onshore, never as one figure.

Every figure starts from an hourly range in US dollars with its source and date (the
catalog's rate cards) and the assumptions an editor keeps (`CostAssumptions`). Each
hidden cost is its own line with the basis it was worked out on, so a buyer can
check it or change the assumption.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

WEEKS_PER_MONTH = 52 / 12
FULL_TIME_HOURS = 40
# One seat staffed every hour of the week.
ROUND_THE_CLOCK_HOURS = 168
# A rate older than this is flagged.
STALE_AFTER = timedelta(days=365)


@dataclass(frozen=True)
class Rate:
    """An hourly range in US dollars for a kind of work in one country."""

    country: str
    country_name: str
    low: float
    high: float
    source: str
    source_url: str
    as_of: date

    def __post_init__(self) -> None:
        if not 0 < self.low <= self.high:
            raise ValueError(f"rate for {self.country}: need 0 < low <= high")


@dataclass(frozen=True)
class CountryCosts:
    """What working from a country adds: the yearly share of staff who leave, and
    statutory extras (as a share of the bill) a vendor passes on."""

    country: str
    attrition_low: float
    attrition_high: float
    attrition_source: str
    statutory_low: float = 0.0
    statutory_high: float = 0.0
    statutory_basis: str = ""


@dataclass(frozen=True)
class CostAssumptions:
    """The editable assumptions behind the hidden costs; the defaults are the ones the
    catalog ships, with their sources in fixtures/catalog.json."""

    hours_per_week: int = FULL_TIME_HOURS
    transition_months_low: float = 3
    transition_months_high: float = 6
    # Share of the vendor's output lost while it learns the work.
    transition_output_lost: float = 0.5
    management_hours_low: float = 1
    management_hours_high: float = 5
    retraining_weeks_low: float = 2
    retraining_weeks_high: float = 6
    attrition_low: float = 0.21
    attrition_high: float = 0.21


@dataclass(frozen=True)
class Exchange:
    """How many units of `currency` one US dollar buys, and as of when."""

    currency: str = "USD"
    per_usd: float = 1.0
    as_of: date | None = None
    source: str = ""


USD = Exchange()


@dataclass(frozen=True)
class CostLine:
    name: str
    monthly_low: float
    monthly_high: float
    basis: str


@dataclass(frozen=True)
class CountryEstimate:
    """The cost of the work in one country, in US dollars a month."""

    rate: Rate
    billed_low: float
    billed_high: float
    hidden: tuple[CostLine, ...] = field(default=())

    @property
    def monthly_low(self) -> float:
        return self.billed_low + sum(line.monthly_low for line in self.hidden)

    @property
    def monthly_high(self) -> float:
        return self.billed_high + sum(line.monthly_high for line in self.hidden)


@dataclass(frozen=True)
class CostEstimate:
    hours_per_week: int
    hours_assumed: bool
    needs_24_7: bool
    options: tuple[CountryEstimate, ...]
    onshore: CountryEstimate | None
    exchange: Exchange
    today: date

    def savings_percent(self, option: CountryEstimate) -> tuple[int, int] | None:
        """The share saved against onshore, from the least (dearest option against the
        cheapest onshore) to the most; None without an onshore rate."""
        if self.onshore is None:
            return None
        low = 1 - option.monthly_high / self.onshore.monthly_low
        high = 1 - option.monthly_low / self.onshore.monthly_high
        return round(100 * low), round(100 * high)

    def to_dict(self) -> dict[str, Any]:
        """The estimate in the buyer's currency, whole units, as the snapshot and the
        `recommend` command give it."""
        options = [self.country_dict(option) for option in self.options]
        savings = [s for option in self.options if (s := self.savings_percent(option))]
        lines: dict[str, dict[str, Any]] = {}
        for option in self.options:
            for line in option.hidden:
                kept = lines.setdefault(
                    line.name,
                    {"name": line.name, "low": line.monthly_low, "high": line.monthly_high},
                )
                kept["low"] = min(kept["low"], line.monthly_low)
                kept["high"] = max(kept["high"], line.monthly_high)
                kept.setdefault("basis", line.basis)
        return {
            "currency": self.exchange.currency,
            "exchange": {
                "per_usd": self.exchange.per_usd,
                "as_of": self.exchange.as_of.isoformat() if self.exchange.as_of else None,
                "source": self.exchange.source,
            },
            "hours_per_week": self.hours_per_week,
            "hours_assumed": self.hours_assumed,
            "needs_24_7": self.needs_24_7,
            "options": options,
            "onshore": self.country_dict(self.onshore) if self.onshore else None,
            "hidden_costs": [
                {
                    "name": line["name"],
                    "monthly_low": self.money(line["low"]),
                    "monthly_high": self.money(line["high"]),
                    "basis": line["basis"],
                }
                for line in lines.values()
            ],
            "first_year_low": min((o["first_year_low"] for o in options), default=None),
            "first_year_high": max((o["first_year_high"] for o in options), default=None),
            "savings_percent_low": min((low for low, _ in savings), default=None),
            "savings_percent_high": max((high for _, high in savings), default=None),
        }

    def country_dict(self, estimate: CountryEstimate) -> dict[str, Any]:
        rate = estimate.rate
        savings = None if estimate is self.onshore else self.savings_percent(estimate)
        return {
            "country": rate.country,
            "country_name": rate.country_name,
            "hourly_low": self.money(rate.low, step=1),
            "hourly_high": self.money(rate.high, step=1),
            "monthly_low": self.money(estimate.monthly_low),
            "monthly_high": self.money(estimate.monthly_high),
            "first_year_low": self.money(12 * estimate.monthly_low),
            "first_year_high": self.money(12 * estimate.monthly_high),
            "billed_low": self.money(estimate.billed_low),
            "billed_high": self.money(estimate.billed_high),
            "hidden_costs": [
                {
                    "name": line.name,
                    "monthly_low": self.money(line.monthly_low),
                    "monthly_high": self.money(line.monthly_high),
                    "basis": line.basis,
                }
                for line in estimate.hidden
            ],
            "savings_percent_low": savings[0] if savings else None,
            "savings_percent_high": savings[1] if savings else None,
            "source": rate.source,
            "source_url": rate.source_url,
            "as_of": rate.as_of.isoformat(),
            "stale": self.today - rate.as_of > STALE_AFTER,
        }

    def money(self, usd: float, step: int = 10) -> int:
        """US dollars in the buyer's currency, to the nearest `step` units: the ranges
        are estimates, and more digits would claim a precision they lack."""
        return int(round(usd * self.exchange.per_usd / step) * step)


def estimate_costs(
    options: Sequence[Rate],
    onshore: Rate | None,
    *,
    hours_per_week: int | None,
    needs_24_7: bool,
    countries: Mapping[str, CountryCosts],
    assumptions: CostAssumptions,
    exchange: Exchange = USD,
    today: date,
) -> CostEstimate:
    """The cost of the work in each option's country and onshore."""
    hours = hours_per_week or assumptions.hours_per_week
    return CostEstimate(
        hours_per_week=hours,
        hours_assumed=hours_per_week is None,
        needs_24_7=needs_24_7,
        options=tuple(
            country_estimate(
                rate, onshore, hours, needs_24_7, countries.get(rate.country), assumptions
            )
            for rate in options
        ),
        onshore=None
        if onshore is None
        else CountryEstimate(
            onshore,
            hours * WEEKS_PER_MONTH * onshore.low,
            hours * WEEKS_PER_MONTH * onshore.high,
            tuple(round_the_clock(onshore, hours, needs_24_7)),
        ),
        exchange=exchange,
        today=today,
    )


def round_the_clock(rate: Rate, hours: int, needs_24_7: bool) -> list[CostLine]:
    """The hours a seat staffed around the clock adds to the work's own."""
    if not needs_24_7 or hours >= ROUND_THE_CLOCK_HOURS:
        return []
    extra = (ROUND_THE_CLOCK_HOURS - hours) * WEEKS_PER_MONTH
    return [
        CostLine(
            "Round-the-clock cover",
            extra * rate.low,
            extra * rate.high,
            f"A seat staffed all 168 hours of the week is about "
            f"{ROUND_THE_CLOCK_HOURS / FULL_TIME_HOURS:.1f} full-time people; the work "
            f"itself fills {hours} of those hours.",
        )
    ]


def country_estimate(
    rate: Rate,
    onshore: Rate | None,
    hours: int,
    needs_24_7: bool,
    country: CountryCosts | None,
    assumptions: CostAssumptions,
) -> CountryEstimate:
    cover = round_the_clock(rate, hours, needs_24_7)
    seat_hours = max(hours, ROUND_THE_CLOCK_HOURS) if needs_24_7 else hours
    low, high = seat_hours * WEEKS_PER_MONTH * rate.low, seat_hours * WEEKS_PER_MONTH * rate.high
    staff = seat_hours / FULL_TIME_HOURS
    a = assumptions
    lines = [
        *cover,
        CostLine(
            "Transition and knowledge transfer",
            low * a.transition_output_lost * a.transition_months_low / 12,
            high * a.transition_output_lost * a.transition_months_high / 12,
            f"{a.transition_months_low:g} to {a.transition_months_high:g} months of "
            f"handover in which about {a.transition_output_lost:.0%} of what you pay buys "
            f"learning rather than output, spread over the first year.",
        ),
    ]
    if onshore is not None:
        management = (
            min(staff * a.management_hours_low, FULL_TIME_HOURS),
            min(staff * a.management_hours_high, FULL_TIME_HOURS),
        )
        lines.append(
            CostLine(
                "Your own management time",
                management[0] * WEEKS_PER_MONTH * onshore.low,
                management[1] * WEEKS_PER_MONTH * onshore.high,
                f"{a.management_hours_low:g} to {a.management_hours_high:g} hours a week of "
                f"your staff's time for each full-time person at the vendor "
                f"({staff:.1f} here), at the onshore rate.",
            )
        )
    attrition = (
        (country.attrition_low, country.attrition_high, f"{country.attrition_source}")
        if country
        else (a.attrition_low, a.attrition_high, "the global contact-centre average")
    )
    lines.append(
        CostLine(
            "Staff turnover and retraining",
            low * attrition[0] * a.retraining_weeks_low / 52,
            high * attrition[1] * a.retraining_weeks_high / 52,
            f"{percent_range(attrition[0], attrition[1])} of staff leave each year "
            f"({attrition[2]}); each newcomer takes {a.retraining_weeks_low:g} to "
            f"{a.retraining_weeks_high:g} weeks to reach full output.",
        )
    )
    if country and country.statutory_high:
        lines.append(
            CostLine(
                "Statutory extras",
                low * country.statutory_low,
                high * country.statutory_high,
                f"{percent_range(country.statutory_low, country.statutory_high)} of the "
                f"bill: {country.statutory_basis}",
            )
        )
    return CountryEstimate(
        rate, hours * WEEKS_PER_MONTH * rate.low, hours * WEEKS_PER_MONTH * rate.high, tuple(lines)
    )


def percent_range(low: float, high: float) -> str:
    if round(100 * low) == round(100 * high):
        return f"{low:.0%}"
    return f"{100 * low:.0f} to {high:.0%}"


def best_countries(
    rates: Sequence[Rate],
    *,
    buyer_country: str,
    preferred: AbstractSet[str],
    vendor_countries: Sequence[str],
    limit: int = 3,
) -> tuple[Rate, ...]:
    """The delivery countries that fit the buyer best, other than the buyer's own: those
    the buyer prefers, then those the matched vendors work from most often (given in
    rank order, so the better-ranked vendors' countries win a tie), then the cheapest."""
    counts = Counter(vendor_countries)
    first = {code: index for index, code in reversed(list(enumerate(vendor_countries)))}
    abroad = [rate for rate in rates if rate.country != buyer_country]
    return tuple(
        sorted(
            abroad,
            key=lambda rate: (
                rate.country not in preferred,
                -counts[rate.country],
                first.get(rate.country, len(vendor_countries)),
                rate.high,
                rate.country,
            ),
        )[:limit]
    )

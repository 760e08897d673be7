"""Matching: which catalog services fit the answers, and which vendors fit the services.

Pure data in, pure data out; the web app turns its catalog rows into
`ServiceCandidate` and `VendorCandidate` values and stores the matches'
`to_dict()` with the recommendation.

Vendor ranking is transparent: a vendor's fit is its visible points (the
`breakdown`) summed, floored at zero and scaled to 0..100 against the most
points any vendor could have earned for this buyer. Nothing else moves a vendor:
no hidden boosts, no paid placement. Ties break by name, then slug.
"""

import heapq
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from advisor.engine.factors import (
    ANSWER_MAX,
    ANSWER_MIN,
    Factor,
    ProcessType,
    Verdict,
    parse_answers,
)
from advisor.engine.parameters import weight_units
from advisor.engine.results import Result
from advisor.engine.work import Requirement

# Points for services: the best matched service a vendor offers earns up to
# PRIMARY_POINTS, up to EXTRA_SERVICES further matched services up to EXTRA_POINTS
# each, all scaled by the service's fit.
PRIMARY_POINTS = 60
EXTRA_POINTS = 10
EXTRA_SERVICES = 2
# Points for the buyer's preferences; each counts only when the buyer set it.
COUNTRY_POINTS = 10
LANGUAGE_POINTS = 10
CERTIFICATION_POINTS = 10
BUDGET_POINTS = 10
BUDGET_PARTLY_POINTS = 5
OVER_BUDGET_POINTS = -15
COVERAGE_POINTS = 5
NO_COVERAGE_POINTS = -10
VERIFIED_POINTS = 5
# Service matches: an answer within this distance of a service's typical answer agrees.
AGREE_DISTANCE = 1
MENTION_FACTORS = 3


def _frozen(values: Iterable[str]) -> frozenset[str]:
    return values if isinstance(values, frozenset) else frozenset(values)


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class ServiceCandidate:
    """A catalog service with the answers typical work of its kind would get (all nine)."""

    slug: str
    name: str
    process_type: ProcessType
    profile: Mapping[Factor, int]
    id: int | None = None

    def __post_init__(self) -> None:
        profile = parse_answers(self.profile)
        if len(profile) != len(Factor):
            raise ValueError(f"service {self.slug!r} needs a typical answer for all nine factors")
        object.__setattr__(self, "profile", MappingProxyType(profile))
        object.__setattr__(self, "process_type", ProcessType(self.process_type))

    def __hash__(self) -> int:
        return hash((self.slug, self.name, self.process_type, self.id))


@dataclass(frozen=True)
class VendorCandidate:
    """A vendor as matching sees it. Rates are USD per hour; None for both means unpublished.

    Codes are compared exactly, so use one convention throughout (for example
    ISO 3166 upper-case country codes and ISO 639 lower-case language codes).
    A sample (fictional) vendor is never verified, whatever its flag says.
    """

    slug: str
    name: str
    services: AbstractSet[str]
    countries: AbstractSet[str] = frozenset()
    languages: AbstractSet[str] = frozenset()
    certifications: AbstractSet[str] = frozenset()
    rate_min: float | None = None
    rate_max: float | None = None
    is_24_7: bool = False
    is_verified: bool = False
    id: int | None = None
    is_sample: bool = False
    timezone: str = ""

    def __post_init__(self) -> None:
        for name in ("services", "countries", "languages", "certifications"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if self.is_sample:
            object.__setattr__(self, "is_verified", False)
        if (self.rate_min is None) != (self.rate_max is None):
            raise ValueError(f"vendor {self.slug!r}: give both rate_min and rate_max, or neither")
        rates = (self.rate_min, self.rate_max)
        if rates[0] is not None and rates[1] is not None and not 0 <= rates[0] <= rates[1]:
            raise ValueError(f"vendor {self.slug!r}: need 0 <= rate_min <= rate_max")


@dataclass(frozen=True)
class Preferences:
    """What the buyer asked for. Empty sets and None mean "no preference".

    `languages` are all wanted (English and Spanish), as are `certifications`; of
    `countries`, any one will do. The items named in `must` are required: a vendor
    missing one is not matched (see `vendor_misses`); the others only order vendors.
    `buyer_country` and `buyer_timezone` say where the buyer works.
    `required_certifications` are what the work's data needs, always required: a
    vendor holds one code of each group (ISO 27001 or SOC 2, say).
    """

    countries: AbstractSet[str] = frozenset()
    languages: AbstractSet[str] = frozenset()
    certifications: AbstractSet[str] = frozenset()
    budget_max: float | None = None
    needs_24_7: bool = False
    must: AbstractSet[Requirement] = frozenset()
    buyer_country: str = ""
    buyer_timezone: str = ""
    required_certifications: tuple[AbstractSet[str], ...] = ()

    def __post_init__(self) -> None:
        groups = tuple(_frozen(group) for group in self.required_certifications)
        object.__setattr__(self, "required_certifications", groups)
        for name in ("countries", "languages", "certifications"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if self.budget_max is not None and not self.budget_max > 0:
            raise ValueError("budget_max must be above 0")
        object.__setattr__(self, "must", frozenset(Requirement(item) for item in self.must))


@dataclass(frozen=True)
class ServiceMatch:
    """A service ranked for the buyer: `fit` 0..100 and which answers agree or differ."""

    service: ServiceCandidate
    fit: int
    agrees: tuple[Factor, ...]
    differs: tuple[Factor, ...]
    text: str

    @property
    def slug(self) -> str:
        return self.service.slug

    @property
    def name(self) -> str:
        return self.service.name

    def to_dict(self) -> dict[str, object]:
        return {
            "slug": self.service.slug,
            "name": self.service.name,
            "id": self.service.id,
            "process_type": self.service.process_type.value,
            "fit": self.fit,
            "agrees": [factor.value for factor in self.agrees],
            "differs": [factor.value for factor in self.differs],
            "text": self.text,
        }


@dataclass(frozen=True)
class FitItem:
    """One visible line of a vendor's fit: signed points and the reason for them."""

    points: int
    text: str

    def __str__(self) -> str:
        return f"{self.points:+d} {self.text}"

    def to_dict(self) -> dict[str, object]:
        return {"points": self.points, "text": self.text}


@dataclass(frozen=True)
class VendorMatch:
    """A vendor ranked for the buyer.

    `fit` = round(100 * max(0, points) / max_points), where `points` is the
    sum of the `breakdown` items and `max_points` the most any vendor could
    score for these service matches and preferences.
    """

    vendor: VendorCandidate
    fit: int
    points: int
    max_points: int
    breakdown: tuple[FitItem, ...]
    services: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.vendor.slug

    @property
    def name(self) -> str:
        return self.vendor.name

    def to_dict(self) -> dict[str, object]:
        return {
            "slug": self.vendor.slug,
            "name": self.vendor.name,
            "id": self.vendor.id,
            "fit": self.fit,
            "points": self.points,
            "max_points": self.max_points,
            "breakdown": [item.to_dict() for item in self.breakdown],
            "services": list(self.services),
        }


def _allowed_types(verdict: Verdict) -> frozenset[ProcessType]:
    if verdict is Verdict.HYBRID:
        return frozenset(ProcessType)
    return frozenset({ProcessType(verdict.value)})


def _names(factors: Iterable[Factor]) -> list[str]:
    return [factor.label.lower() for factor in factors]


def _listing(names: list[str]) -> str:
    shown = names[:MENTION_FACTORS]
    if len(names) > len(shown):
        shown.append(f"{len(names) - len(shown)} more")
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def match_services(
    answers: Mapping[Factor, int],
    result: Result,
    services: Iterable[ServiceCandidate],
    limit: int = 5,
) -> tuple[ServiceMatch, ...]:
    """Rank services of the recommended process type(s) (both for hybrid) by fit.

    Fit compares the buyer's answers with the service's typical profile on the
    answered factors only, weighted as in the result: 100 minus the weighted
    mean distance as a percentage of the widest possible distance, rounded half
    up. Ties break by name, then slug. `answers` must be the answers `result`
    was scored from.
    """
    valid, service_fit = _service_fit(answers, result)
    allowed = _allowed_types(result.verdict)

    def ranked() -> Iterable[tuple[int, str, str, int, ServiceCandidate]]:
        for index, service in enumerate(services):
            if service.process_type in allowed:
                yield -service_fit(service), service.name, service.slug, index, service

    return tuple(
        _service_match(valid, service, -negative_fit)
        for negative_fit, _, _, _, service in heapq.nsmallest(limit, ranked())
    )


def rate_services(
    answers: Mapping[Factor, int], result: Result, services: Iterable[ServiceCandidate]
) -> tuple[ServiceMatch, ...]:
    """The services the buyer chose, in the order given, each with its fit as
    `match_services` measures it, whatever its process type."""
    valid, service_fit = _service_fit(answers, result)
    return tuple(_service_match(valid, service, service_fit(service)) for service in services)


def _service_fit(
    answers: Mapping[Factor, int], result: Result
) -> tuple[dict[Factor, int], Callable[[ServiceCandidate], int]]:
    valid = parse_answers(answers)
    weights = {item.factor: item.weight for item in result.factors}
    if valid.keys() != weights.keys():
        raise ValueError("the answers do not match the result's answered factors")
    units = weight_units(weights)
    widest = (ANSWER_MAX - ANSWER_MIN) * sum(units.values())

    def fit(service: ServiceCandidate) -> int:
        distance = sum(
            unit * abs(valid[factor] - service.profile[factor]) for factor, unit in units.items()
        )
        return _half_up(100 * (widest - distance), widest)

    return valid, fit


def _service_match(
    answers: Mapping[Factor, int], service: ServiceCandidate, fit: int
) -> ServiceMatch:
    gaps = {factor: abs(answer - service.profile[factor]) for factor, answer in answers.items()}
    agrees = tuple(factor for factor, gap in gaps.items() if gap <= AGREE_DISTANCE)
    differs = tuple(
        sorted((factor for factor in gaps if gaps[factor] > AGREE_DISTANCE), key=lambda f: -gaps[f])
    )
    details = [
        f"{factor.label.lower()} (you {answers[factor]}, typical {service.profile[factor]})"
        for factor in differs
    ]
    if not differs:
        text = "Its typical profile is close to every answer you gave."
    elif not agrees:
        text = f"Its typical profile differs on {_listing(details)}."
    else:
        text = (
            f"Its typical profile is close on {_listing(_names(agrees))}; "
            f"it differs on {_listing(details)}."
        )
    return ServiceMatch(service=service, fit=fit, agrees=agrees, differs=differs, text=text)


class _Offer(NamedTuple):
    rank: int  # position among the service matches, best first
    match: ServiceMatch
    primary: int  # points when this is the vendor's best matched service
    extra: int  # points when it is one of the vendor's further services


class _Item(NamedTuple):
    """A breakdown line before it is put into words."""

    points: int
    kind: str
    offer: _Offer | None = None
    codes: frozenset[str] = frozenset()


class _Context(NamedTuple):
    offers: Mapping[str, _Offer]
    preferences: Preferences
    max_points: int


class _Names(NamedTuple):
    countries: Mapping[str, str]
    languages: Mapping[str, str]
    certifications: Mapping[str, str]


@dataclass(frozen=True)
class PointsPlan:
    """What each matched service earns a vendor and the most points any vendor can
    earn, for given service matches and preferences. `offers` holds (slug, primary,
    extra) in rank order, best first; a database query can count points from it
    exactly as `match_vendors` does."""

    offers: tuple[tuple[str, int, int], ...]
    max_points: int


def points_plan(
    service_matches: Iterable[ServiceMatch], preferences: Preferences
) -> PointsPlan | None:
    """The plan for these matches, or None without any."""
    context = _context(service_matches, preferences)
    if context is None:
        return None
    return PointsPlan(
        tuple((slug, offer.primary, offer.extra) for slug, offer in context.offers.items()),
        context.max_points,
    )


def _context(service_matches: Iterable[ServiceMatch], preferences: Preferences) -> _Context | None:
    ranked = sorted(service_matches, key=lambda match: (-match.fit, match.name, match.slug))
    if not ranked:
        return None
    offers: dict[str, _Offer] = {}
    for match in ranked:
        if match.slug not in offers:  # a repeated service counts once, at its best fit
            offers[match.slug] = _Offer(
                len(offers),
                match,
                _half_up(PRIMARY_POINTS * match.fit, 100),
                _half_up(EXTRA_POINTS * match.fit, 100),
            )
    best = list(offers.values())
    max_points = best[0].primary + sum(offer.extra for offer in best[1 : 1 + EXTRA_SERVICES])
    max_points += COUNTRY_POINTS if preferences.countries else 0
    max_points += LANGUAGE_POINTS if preferences.languages else 0
    max_points += CERTIFICATION_POINTS if preferences.certifications else 0
    max_points += BUDGET_POINTS if preferences.budget_max is not None else 0
    max_points += COVERAGE_POINTS if preferences.needs_24_7 else 0
    max_points += VERIFIED_POINTS
    return _Context(offers, preferences, max_points)


def match_vendors(
    service_matches: Iterable[ServiceMatch],
    vendors: Iterable[VendorCandidate],
    preferences: Preferences | None = None,
    limit: int = 5,
    *,
    most_services_first: bool = False,
    country_names: Mapping[str, str] | None = None,
    language_names: Mapping[str, str] | None = None,
    certification_names: Mapping[str, str] | None = None,
) -> tuple[VendorMatch, ...]:
    """Rank the vendors that offer at least one matched service and miss nothing the
    buyer requires (see `vendor_misses`); see the module doc.

    Points (every item shows in the breakdown, zeros included):
    - the best matched service the vendor offers: 60 x its fit / 100; up to
      two further matched services: 10 x fit / 100 each;
    - countries asked: +10 if the vendor delivers from one of them, else 0;
    - languages and certifications asked: 10 x the share of them the vendor has;
    - budget set: +10 if the whole rate range is within it, +5 if part is,
      -15 if none is, 0 if the vendor publishes no rate;
    - 24/7 needed: +5 if offered, -10 if not;
    - +5 for a verified vendor, else 0.
    With `most_services_first` (services the buyer chose), vendors offering more of
    the matched services come first, then by fit. The `*_names` mappings turn codes
    into display names in the texts.
    """
    preferences = preferences or Preferences()
    context = _context(service_matches, preferences)
    if context is None:
        return ()
    names = _Names(country_names or {}, language_names or {}, certification_names or {})
    ranked = []
    for position, vendor in enumerate(vendors):
        offered = _offered(vendor, context.offers)
        if offered and not vendor_misses(vendor, preferences):
            items = _items(vendor, context)
            fit = _fit(sum(item.points for item in items), context.max_points)
            first = -len(offered) if most_services_first else 0
            ranked.append((first, -fit, vendor.name, vendor.slug, position, vendor, items))
    return tuple(
        VendorMatch(
            vendor=vendor,
            fit=-negative_fit,
            points=sum(item.points for item in items),
            max_points=context.max_points,
            breakdown=tuple(
                FitItem(item.points, _describe(item, vendor, preferences, names)) for item in items
            ),
            services=tuple(offer.match.slug for offer in _offered(vendor, context.offers)),
        )
        for _, negative_fit, _, _, _, vendor, items in heapq.nsmallest(
            limit, ranked, key=lambda row: row[:5]
        )
    )


def vendor_misses(
    vendor: VendorCandidate,
    preferences: Preferences,
    *,
    country_names: Mapping[str, str] | None = None,
    language_names: Mapping[str, str] | None = None,
    certification_names: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """What a vendor lacks of the buyer's required items, one plain sentence each."""
    must = preferences.must
    misses = []
    countries = preferences.countries
    if Requirement.COUNTRIES in must and countries and countries.isdisjoint(vendor.countries):
        wanted = _codes(preferences.countries, country_names or {}, joiner=" or ")
        misses.append(f"It does not deliver from {wanted}.")
    if Requirement.LANGUAGES in must and (missing := preferences.languages - vendor.languages):
        spoken = _codes(missing, language_names or {}, joiner=" and ")
        misses.append(f"It does not work in {spoken}.")
    if Requirement.CERTIFICATIONS in must and (
        missing := preferences.certifications - vendor.certifications
    ):
        held = _codes(missing, certification_names or {}, joiner=" and ")
        misses.append(f"It does not hold {held}.")
    for group in preferences.required_certifications:
        if group.isdisjoint(vendor.certifications):
            held = _codes(group, certification_names or {}, joiner=" or ")
            misses.append(f"It does not hold {held}, which the work's data needs.")
    budget = preferences.budget_max
    if Requirement.BUDGET in must and budget is not None:
        if vendor.rate_min is None:
            misses.append("It publishes no hourly rate to compare with your highest rate.")
        elif vendor.rate_min > budget:
            misses.append(
                f"Its rates start at {_money(vendor.rate_min)}/h, "
                f"above your highest rate of {_money(budget)}/h."
            )
    if Requirement.NEEDS_24_7 in must and preferences.needs_24_7 and not vendor.is_24_7:
        misses.append("It does not cover 24/7.")
    return tuple(misses)


def _fit(points: int, max_points: int) -> int:
    return _half_up(100 * max(0, points), max_points)


def _offered(vendor: VendorCandidate, offers: Mapping[str, _Offer]) -> list[_Offer]:
    """The matched services a vendor offers, best first (offers sort by rank)."""
    return sorted(offers[slug] for slug in vendor.services if slug in offers)


def _items(vendor: VendorCandidate, context: _Context) -> list[_Item]:
    """The points a vendor earns, as breakdown lines (it offers a matched service).

    Only the vendors shown get here; `_describe` puts each line into words.
    """
    offered = _offered(vendor, context.offers)
    items = [_Item(offered[0].primary, "service", offered[0])]
    items.extend(_Item(offer.extra, "also", offer) for offer in offered[1 : 1 + EXTRA_SERVICES])
    preferences = context.preferences
    if preferences.countries:
        codes = frozenset(preferences.countries & vendor.countries)
        items.append(_Item(COUNTRY_POINTS if codes else 0, "country", codes=codes))
    if preferences.languages:
        codes = frozenset(preferences.languages & vendor.languages)
        points = _half_up(LANGUAGE_POINTS * len(codes), len(preferences.languages))
        items.append(_Item(points, "language", codes=codes))
    if preferences.certifications:
        codes = frozenset(preferences.certifications & vendor.certifications)
        points = _half_up(CERTIFICATION_POINTS * len(codes), len(preferences.certifications))
        items.append(_Item(points, "certification", codes=codes))
    budget = preferences.budget_max
    if budget is not None:
        if vendor.rate_min is None or vendor.rate_max is None:
            points = 0
        elif vendor.rate_max <= budget:
            points = BUDGET_POINTS
        elif vendor.rate_min <= budget:
            points = BUDGET_PARTLY_POINTS
        else:
            points = OVER_BUDGET_POINTS
        items.append(_Item(points, "budget"))
    if preferences.needs_24_7:
        items.append(_Item(COVERAGE_POINTS if vendor.is_24_7 else NO_COVERAGE_POINTS, "24_7"))
    items.append(_Item(VERIFIED_POINTS if vendor.is_verified else 0, "verified"))
    return items


def _codes(codes: AbstractSet[str], names: Mapping[str, str], joiner: str = ", ") -> str:
    """Sorted names; with a `joiner` other than a comma, "A, B or C"."""
    shown = sorted(names.get(code, code) for code in codes)
    if joiner == ", " or len(shown) == 1:
        return ", ".join(shown)
    return f"{', '.join(shown[:-1])}{joiner}{shown[-1]}"


def _money(value: float) -> str:
    return f"${value:,.2f}".removesuffix(".00")


def _describe(item: _Item, vendor: VendorCandidate, preferences: Preferences, names: _Names) -> str:
    if item.offer is not None:
        also = "also " if item.kind == "also" else ""
        return f"{also}offers {item.offer.match.name} (fit {item.offer.match.fit})"
    if item.kind == "country":
        if item.codes:
            return f"delivers from {_codes(item.codes, names.countries)} (you asked for it)"
        return "does not deliver from any country you chose"
    if item.kind in ("language", "certification"):
        asked = preferences.languages if item.kind == "language" else preferences.certifications
        mapping = names.languages if item.kind == "language" else names.certifications
        verb = "works in" if item.kind == "language" else "holds"
        if item.codes:
            return (
                f"{verb} {_codes(item.codes, mapping)} "
                f"({len(item.codes)} of {len(asked)} {item.kind}s you asked for)"
            )
        return f"{verb} none of the {item.kind}s you asked for"
    if item.kind == "budget":
        budget = _money(preferences.budget_max or 0)
        if vendor.rate_min is None or vendor.rate_max is None:
            return "publishes no hourly rate to compare with your budget"
        rate = (
            _money(vendor.rate_min)
            if vendor.rate_min == vendor.rate_max
            else f"{_money(vendor.rate_min)}-{_money(vendor.rate_max)}"
        )
        if item.points == BUDGET_POINTS:
            return f"rate {rate}/h is within your {budget} budget"
        if item.points == BUDGET_PARTLY_POINTS:
            return f"rate {rate}/h is partly within your {budget} budget"
        return f"rate {rate}/h is above your {budget} budget"
    if item.kind == "24_7":
        if vendor.is_24_7:
            return "covers 24/7, which you need"
        return "no 24/7 coverage, which you need"
    return "verified vendor" if vendor.is_verified else "not verified yet"

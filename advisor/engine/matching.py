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
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
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

    def __post_init__(self) -> None:
        for name in ("services", "countries", "languages", "certifications"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if (self.rate_min is None) != (self.rate_max is None):
            raise ValueError(f"vendor {self.slug!r}: give both rate_min and rate_max, or neither")
        rates = (self.rate_min, self.rate_max)
        if rates[0] is not None and rates[1] is not None and not 0 <= rates[0] <= rates[1]:
            raise ValueError(f"vendor {self.slug!r}: need 0 <= rate_min <= rate_max")


class VendorPool:
    """Vendors to rank, with an index of who offers each service.

    Build it once for a catalog and rank against it many times: ranking then
    visits only the vendors offering a matched service (see `match_vendors`).
    A vendor's position in the pool is its last tie-break.
    """

    def __init__(self, vendors: Iterable[VendorCandidate]) -> None:
        self.vendors = tuple(vendors)
        by_service: dict[str, list[int]] = {}
        for position, vendor in enumerate(self.vendors):
            for slug in vendor.services:
                by_service.setdefault(slug, []).append(position)
        self.by_service = {slug: frozenset(positions) for slug, positions in by_service.items()}

    def __len__(self) -> int:
        return len(self.vendors)


@dataclass(frozen=True)
class Preferences:
    """What the buyer asked for. Empty sets and None mean "no preference"."""

    countries: AbstractSet[str] = frozenset()
    languages: AbstractSet[str] = frozenset()
    certifications: AbstractSet[str] = frozenset()
    budget_max: float | None = None
    needs_24_7: bool = False

    def __post_init__(self) -> None:
        for name in ("countries", "languages", "certifications"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if self.budget_max is not None and not self.budget_max > 0:
            raise ValueError("budget_max must be above 0")


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
    valid = parse_answers(answers)
    weights = {item.factor: item.weight for item in result.factors}
    if valid.keys() != weights.keys():
        raise ValueError("the answers do not match the result's answered factors")
    units = weight_units(weights)
    widest = (ANSWER_MAX - ANSWER_MIN) * sum(units.values())
    allowed = _allowed_types(result.verdict)

    def ranked() -> Iterable[tuple[int, str, str, int, ServiceCandidate]]:
        for index, service in enumerate(services):
            if service.process_type in allowed:
                distance = sum(
                    unit * abs(valid[factor] - service.profile[factor])
                    for factor, unit in units.items()
                )
                fit = _half_up(100 * (widest - distance), widest)
                yield -fit, service.name, service.slug, index, service

    return tuple(
        _service_match(valid, service, -negative_fit)
        for negative_fit, _, _, _, service in heapq.nsmallest(limit, ranked())
    )


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


def match_vendors(
    service_matches: Iterable[ServiceMatch],
    vendors: Iterable[VendorCandidate] | VendorPool,
    preferences: Preferences | None = None,
    limit: int = 5,
    *,
    country_names: Mapping[str, str] | None = None,
    language_names: Mapping[str, str] | None = None,
    certification_names: Mapping[str, str] | None = None,
) -> tuple[VendorMatch, ...]:
    """Rank the vendors that offer at least one matched service; see the module doc.

    Points (every item shows in the breakdown, zeros included):
    - the best matched service the vendor offers: 60 x its fit / 100; up to
      two further matched services: 10 x fit / 100 each;
    - countries asked: +10 if the vendor delivers from one of them, else 0;
    - languages and certifications asked: 10 x the share of them the vendor has;
    - budget set: +10 if the whole rate range is within it, +5 if part is,
      -15 if none is, 0 if the vendor publishes no rate;
    - 24/7 needed: +5 if offered, -10 if not;
    - +5 for a verified vendor, else 0.
    The `*_names` mappings turn codes into display names in the texts. Pass a
    `VendorPool` built once when ranking the same vendors again and again.
    """
    preferences = preferences or Preferences()
    ranked = sorted(service_matches, key=lambda match: (-match.fit, match.name, match.slug))
    if not ranked:
        return ()
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
    context = _Context(offers, preferences, max_points)
    pool = vendors if isinstance(vendors, VendorPool) else VendorPool(vendors)
    names = _Names(country_names or {}, language_names or {}, certification_names or {})
    results = []
    for negative_fit, _, _, position in _top(pool, context, limit):
        vendor = pool.vendors[position]
        items = _items(vendor, context)
        results.append(
            VendorMatch(
                vendor=vendor,
                fit=-negative_fit,
                points=sum(item.points for item in items),
                max_points=max_points,
                breakdown=tuple(
                    FitItem(item.points, _describe(item, vendor, preferences, names))
                    for item in items
                ),
                services=tuple(offer.match.slug for offer in _offered(vendor, offers)),
            )
        )
    return tuple(results)


def _top(pool: VendorPool, context: _Context, limit: int) -> list[tuple[int, str, str, int]]:
    """Sort keys (-fit, name, slug, position) of the best `limit` vendors, best first.

    Vendors are scored in full (preferences added) in groups of equal service
    points, highest first. A group can earn at most its service points plus every
    preference point; once that is below the fit of the `limit`-th vendor found
    so far, no later group can enter the top (ties on fit are still scored, as
    names break them) and the rest are never even gathered.
    """
    offers = list(context.offers.values())  # by rank, best first
    most_for_services = offers[0].primary + sum(o.extra for o in offers[1 : 1 + EXTRA_SERVICES])
    preference_points = context.max_points - most_for_services
    best: list[tuple[int, str, str, int]] = []
    for points, positions in _service_groups(pool, offers):
        bound = _fit(points + preference_points, context.max_points)
        if len(best) >= limit and bound < -best[-1][0]:
            break
        keys = _ranking(pool.vendors, positions, points, context)
        best = heapq.nsmallest(limit, [*best, *keys])
    return best


def _service_groups(
    pool: VendorPool, offers: list[_Offer]
) -> Iterator[tuple[int, AbstractSet[int]]]:
    """The positions of the vendors offering a matched service, in groups by the
    points those services earn them, most points first (groups may share points).

    A vendor's best service is the first rank it offers, its further services the
    next ones it offers, up to EXTRA_SERVICES of them; each such combination of
    ranks is one group. Groups are gathered with set operations on the pool's
    index only when reached, starting from the smallest set.
    """
    offering = [pool.by_service.get(offer.match.slug, frozenset()) for offer in offers]
    combinations = []
    for first in range(len(offers)):
        for count in range(EXTRA_SERVICES + 1):
            for extras in itertools.combinations(range(first + 1, len(offers)), count):
                points = offers[first].primary + sum(offers[rank].extra for rank in extras)
                combinations.append((points, first, extras))
    combinations.sort(key=lambda combination: -combination[0])
    for points, first, extras in combinations:
        offered = sorted((offering[rank] for rank in (first, *extras)), key=len)
        # No other matched service before the last extra; with fewer extras than
        # allowed, no other matched service at all.
        last = extras[-1] if len(extras) == EXTRA_SERVICES else len(offers) - 1
        vendors = offered[0].intersection(*offered[1:])
        for rank in range(last + 1):
            if vendors and rank != first and rank not in extras:
                vendors = vendors - offering[rank]
        if vendors:
            yield points, vendors


def _ranking(
    vendors: Sequence[VendorCandidate],
    positions: Iterable[int],
    service_points: int,
    context: _Context,
) -> Iterator[tuple[int, str, str, int]]:
    """Sort keys (-fit, name, slug, position) for the vendors at `positions`, which
    all earn `service_points` for the matched services they offer.

    The hot loop: no text. With the service points it counts exactly the points
    `_items` itemises (the tests hold the two to that).
    """
    preferences = context.preferences
    countries, languages = preferences.countries, preferences.languages
    certifications, budget = preferences.certifications, preferences.budget_max
    needs_24_7, max_points = preferences.needs_24_7, context.max_points
    language_points = [
        _half_up(LANGUAGE_POINTS * count, max(1, len(languages)))
        for count in range(len(languages) + 1)
    ]
    certification_points = [
        _half_up(CERTIFICATION_POINTS * count, max(1, len(certifications)))
        for count in range(len(certifications) + 1)
    ]
    for position in positions:
        vendor = vendors[position]
        points = service_points
        if countries and not countries.isdisjoint(vendor.countries):
            points += COUNTRY_POINTS
        if languages:
            points += language_points[len(languages & vendor.languages)]
        if certifications:
            points += certification_points[len(certifications & vendor.certifications)]
        if budget is not None and vendor.rate_min is not None and vendor.rate_max is not None:
            if vendor.rate_max <= budget:
                points += BUDGET_POINTS
            elif vendor.rate_min <= budget:
                points += BUDGET_PARTLY_POINTS
            else:
                points += OVER_BUDGET_POINTS
        if needs_24_7:
            points += COVERAGE_POINTS if vendor.is_24_7 else NO_COVERAGE_POINTS
        if vendor.is_verified:
            points += VERIFIED_POINTS
        yield -_fit(points, max_points), vendor.name, vendor.slug, position


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


def _codes(codes: AbstractSet[str], names: Mapping[str, str]) -> str:
    return ", ".join(sorted(names.get(code, code) for code in codes))


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

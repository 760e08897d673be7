"""What the advisor reads from the catalog and the scoring settings.

The small inputs (settings, services, names) are cached under the catalog version
(outsourcing/catalog_version.py), so an edit reaches every process on its next
request; nothing is cached in DEBUG. Each function takes the `version` a caller has
already read, so one request reads it once (each read is a round trip to Redis).
No process holds a copy of the vendors: `ranked_vendors` asks the database for the
few that fit best.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import combinations
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Expression,
    ExpressionWrapper,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django_countries import countries

from advisor.engine import ENGINE_VERSION, Requirement
from advisor.engine.costs import USD, CostAssumptions, CountryCosts, Exchange, Rate
from advisor.engine.matching import (
    BUDGET_PARTLY_POINTS,
    BUDGET_POINTS,
    CERTIFICATION_POINTS,
    COUNTRY_POINTS,
    COVERAGE_POINTS,
    EXTRA_SERVICES,
    LANGUAGE_POINTS,
    NO_COVERAGE_POINTS,
    OVER_BUDGET_POINTS,
    VERIFIED_POINTS,
    PointsPlan,
    Preferences,
    ServiceCandidate,
    VendorCandidate,
)
from advisor.engine.parameters import Parameters
from advisor.models import ScoringSettings
from outsourcing.catalog_version import catalog_version
from outsourcing.forms import SharedChoices
from outsourcing.models import (
    Certification,
    CountryCost,
    ExchangeRate,
    Language,
    RateCard,
    Service,
    ServiceOffer,
    Vendor,
    listing,
)
from outsourcing.models import CostAssumptions as CostAssumptionsRow

# A new catalog version makes new keys; the old values go when this runs out.
INPUT_SECONDS = 60 * 60
# The rate cards' own currency, offered whatever exchange rates editors keep.
USD_CHOICE = (USD.currency, "US dollar (USD)")


def cached[T](name: str, build: Callable[[], T], version: str | None = None) -> T:
    if settings.DEBUG:
        return build()
    # With the engine's version: a release that changes the engine's dataclasses must
    # not read what the one before it stored while both share Redis.
    key = f"advisor:{ENGINE_VERSION}:{version or catalog_version()}:{name}"
    return cast(T, cache.get_or_set(key, build, INPUT_SECONDS))


def scoring_parameters(version: str | None = None) -> Parameters:
    # Stored as a dict: Parameters holds a mapping proxy, which cannot be pickled.
    return kept_in_process(
        "parameters",
        lambda version: Parameters.from_dict(
            cached("parameters", lambda: ScoringSettings.current_parameters().to_dict(), version)
        ),
        version,
    )


def service_candidates(version: str | None = None) -> list[ServiceCandidate]:
    """The active services as matching sees them."""
    return kept_in_process(
        "service-candidates",
        lambda version: [
            ServiceCandidate(*row) for row in cached("service-candidates", service_rows, version)
        ],
        version,
    )


def service_rows() -> list[tuple]:
    # Stored as plain rows: a candidate's profile is a mapping proxy, which cannot be pickled.
    return [
        (c.slug, c.name, c.process_type.value, dict(c.profile), c.id)
        for c in Service.objects.active().candidates()
    ]


# The small inputs as this process holds them, by name: (catalog version, value).
# Measured against making them again from the shared cache on each request: 80 service
# candidates take 0.9 ms to build, the parameters 0.2 ms to validate; a process copy
# takes 0.01 ms. All are small whatever the number of vendors.
_process_copies: dict[str, tuple[str, object]] = {}


def kept_in_process[T](name: str, build: Callable[[str], T], version: str | None = None) -> T:
    version = "" if settings.DEBUG else version or catalog_version()
    held = _process_copies.get(name)
    if settings.DEBUG or held is None or held[0] != version:
        held = _process_copies[name] = (version, build(version))
    return held[1]  # type: ignore[return-value]


def questionnaire_services(version: str | None = None) -> list[dict[str, str]]:
    """Active services by category, for the questionnaire's optgroups. Plain values:
    unpickling 80 model instances took 4.5 ms of every questionnaire."""
    return cached(
        "questionnaire-services",
        lambda: [
            {"slug": slug, "name": name, "category_name": category}
            for slug, name, category in Service.objects.active()
            .order_by("category__position", "name")
            .values_list("slug", "name", "category__name")
        ],
        version,
    )


def code_names(version: str | None = None) -> dict[str, dict[str, str]]:
    """Names by code: the countries vendors deliver from, languages, certifications."""

    def build() -> dict[str, dict[str, str]]:
        used = Vendor.objects.active().delivery_countries_in_use()
        return {
            "countries": {code: countries.name(code) for code in used},
            "languages": dict(Language.objects.values_list("code", "name")),
            "certifications": dict(Certification.objects.values_list("code", "name")),
        }

    return kept_in_process(
        "code-names", lambda version: cached("code-names", build, version), version
    )


@dataclass(frozen=True)
class CostInputs:
    """The catalog's cost data as the engine's costs module takes it."""

    rates: dict[str, tuple[Rate, ...]]
    categories: dict[str, tuple[str, str]]
    countries: dict[str, CountryCosts]
    assumptions: CostAssumptions
    exchange: dict[str, Exchange]

    def rates_for(self, service_slug: str) -> tuple[str, tuple[Rate, ...]]:
        """The name of a service's category and its rate cards."""
        slug, name = self.categories.get(service_slug, ("", ""))
        return name, self.rates.get(slug, ())


def cost_inputs(version: str | None = None) -> CostInputs:
    def build() -> CostInputs:
        rates: dict[str, list[Rate]] = {}
        for card in RateCard.objects.select_related("category"):
            rates.setdefault(card.category.slug, []).append(
                Rate(
                    country=str(card.country),
                    country_name=countries.name(str(card.country)),
                    low=float(card.hourly_low),
                    high=float(card.hourly_high),
                    source=card.source,
                    source_url=card.source_url,
                    as_of=card.as_of,
                )
            )
        kept = CostAssumptionsRow.objects.first() or CostAssumptionsRow()
        return CostInputs(
            rates={slug: tuple(cards) for slug, cards in rates.items()},
            categories={
                slug: (category_slug, category_name)
                for slug, category_slug, category_name in Service.objects.active().values_list(
                    "slug", "category__slug", "category__name"
                )
            },
            countries={
                str(row.country): CountryCosts(
                    country=str(row.country),
                    attrition_low=float(row.attrition_low) / 100,
                    attrition_high=float(row.attrition_high) / 100,
                    attrition_source=row.attrition_source,
                    statutory_low=float(row.statutory_low) / 100,
                    statutory_high=float(row.statutory_high) / 100,
                    statutory_basis=row.statutory_basis,
                )
                for row in CountryCost.objects.all()
            },
            assumptions=CostAssumptions(
                hours_per_week=kept.hours_per_week,
                transition_months_low=float(kept.transition_months_low),
                transition_months_high=float(kept.transition_months_high),
                transition_output_lost=float(kept.transition_output_lost) / 100,
                management_hours_low=float(kept.management_hours_low),
                management_hours_high=float(kept.management_hours_high),
                retraining_weeks_low=float(kept.retraining_weeks_low),
                retraining_weeks_high=float(kept.retraining_weeks_high),
                attrition_low=float(kept.attrition) / 100,
                attrition_high=float(kept.attrition) / 100,
            ),
            exchange={
                row.currency: Exchange(row.currency, float(row.per_usd), row.as_of, row.source)
                for row in ExchangeRate.objects.all()
            },
        )

    return cached("cost-inputs", build, version)


def questionnaire_choices(version: str | None = None) -> dict[str, SharedChoices]:
    """The questionnaire's preference choices, shared by every form instance."""
    return kept_in_process(
        "questionnaire-choices",
        lambda version: {
            **{name: SharedChoices(names.items()) for name, names in code_names(version).items()},
            "task_services": SharedChoices(
                (service["slug"], service["name"]) for service in questionnaire_services(version)
            ),
            "currency": SharedChoices(currency_choices(version)),
        },
        version,
    )


def currency_choices(version: str | None = None) -> list[tuple[str, str]]:
    """US dollars, which the rate cards are in, then each currency editors keep an
    exchange rate for, by code: the currencies `cost_inputs` can convert to."""
    return [
        USD_CHOICE,
        *cached(
            "currency-names",
            lambda: [
                (code, f"{name} ({code})")
                for code, name in ExchangeRate.objects.exclude(currency=USD.currency)
                .order_by("currency")
                .values_list("currency", "name")
            ],
            version,
        ),
    ]


def typical_profiles(slugs: list[str]) -> list[dict]:
    """The typical answers of the chosen active services."""
    return [service.profile for service in Service.objects.active().filter(slug__in=slugs)]


def ranked_vendors(
    plan: PointsPlan,
    service_ids: Mapping[str, int],
    preferences: Preferences,
    *,
    most_services_first: bool,
    meeting_must: bool = True,
    limit: int,
    version: str | None = None,
) -> list[VendorCandidate]:
    """`vendors_ranked_in_database`, kept under the catalog version: the list depends on
    nothing else but the plan and the preferences that order or filter vendors (not
    where the buyer is). A ranking already made takes 0.3 ms instead of 12 ms
    (in-process, 10,000 vendors, SQLite), most of which is building the query."""
    wanted = (
        sorted(preferences.countries),
        sorted(preferences.languages),
        sorted(preferences.certifications),
        preferences.budget_max,
        preferences.needs_24_7,
        sorted(preferences.must),
        [sorted(group) for group in preferences.required_certifications],
    )
    inputs = repr((plan, wanted, most_services_first, meeting_must, limit))
    return cached(
        f"ranking:{hashlib.sha256(inputs.encode()).hexdigest()}",
        lambda: vendors_ranked_in_database(
            plan,
            service_ids,
            preferences,
            most_services_first=most_services_first,
            meeting_must=meeting_must,
            limit=limit,
        ),
        version,
    )


def vendors_ranked_in_database(
    plan: PointsPlan,
    service_ids: Mapping[str, int],
    preferences: Preferences,
    *,
    most_services_first: bool,
    meeting_must: bool = True,
    limit: int,
) -> list[VendorCandidate]:
    """The `limit` active vendors offering a planned service that fit best, best
    first, counted in the database exactly as `match_vendors` counts them (the tests
    hold the two to that). With `meeting_must` the vendors meet every required item;
    without it, the best of those offering the best service or several that miss at
    least one (the "close, but" list).

    One query over `ServiceOffer`, the offers with a copy of their vendor: a vendor's
    points are an expression over the offer of its best planned service (its other
    planned services are in the offer's `service_ids`), so nothing is joined or
    grouped."""
    planned = [service_ids[slug] for slug, _, _ in plan.offers]
    must = must_filter(preferences)
    if must is None and not meeting_must:
        return []
    offers = ServiceOffer.objects.filter(best_offer(planned)).alias(offered=offered(planned))
    if must is not None:
        offers = offers.filter(must if meeting_must else ~must)
    if not meeting_must:
        offers = offers.filter(Q(service_id=planned[0]) | Q(offered__gte=2))
    ids = list(
        offers.annotate(
            fit=fit_expression(offer_points(plan, planned, preferences), plan.max_points)
        )
        .order_by(*(["-offered"] if most_services_first else []), "-fit", "name", "slug")
        .values_list("vendor_id", flat=True)[:limit]
    )
    # From the vendor table itself: a vendor made inactive since its offers were
    # copied is never shown.
    by_id = {
        vendor.id: vendor for vendor in Vendor.objects.active().filter(pk__in=ids).candidates()
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def offers_service(pk: int) -> Q:
    return listing("service_ids", pk)


def how_many(conditions: Iterable[Q]) -> Expression:
    """How many of the conditions an offer meets."""
    return sum(
        (Case(When(condition, then=Value(1)), default=Value(0)) for condition in conditions),
        start=Value(0),
    )


def best_offer(planned: list[int]) -> Q:
    """The offer of each vendor's best planned service: it offers none ranked above."""
    return Q.create(
        [
            Q(*(~offers_service(above) for above in planned[:rank]), service_id=pk)
            for rank, pk in enumerate(planned)
        ],
        connector=Q.OR,
    )


def offered(planned: list[int]) -> Expression:
    """How many of the planned services the offer's vendor offers."""
    return how_many(offers_service(pk) for pk in planned)


def service_points(plan: PointsPlan, planned: list[int]) -> Case:
    """On the offer of a vendor's best planned service: its primary points, and the
    extra points of the next EXTRA_SERVICES planned services the vendor offers, in
    rank order."""
    extras = [extra for _, _, extra in plan.offers]
    by_best = []
    for rank, (pk, (_, primary, _)) in enumerate(zip(planned, plan.offers, strict=True)):
        points: Expression = Value(primary)
        for later in range(rank + 1, len(planned)):
            between = planned[rank + 1 : later]
            earns = offers_service(planned[later])
            if len(between) >= EXTRA_SERVICES:
                # Not when EXTRA_SERVICES of those between are offered already.
                earns &= ~Q.create(
                    [
                        Q(*(offers_service(other) for other in pair))
                        for pair in combinations(between, EXTRA_SERVICES)
                    ],
                    connector=Q.OR,
                )
            points += Case(When(earns, then=Value(extras[later])), default=Value(0))
        by_best.append(When(service_id=pk, then=points))
    return Case(*by_best, default=Value(0))


def must_filter(preferences: Preferences) -> Q | None:
    """The offers whose vendor meets every required item, or None when nothing is
    required."""
    must = preferences.must
    conditions = []
    if Requirement.COUNTRIES in must and preferences.countries:
        conditions.append(delivers_from(preferences.countries))
    if Requirement.LANGUAGES in must:
        conditions.extend(listing("language_codes", code) for code in preferences.languages)
    if Requirement.CERTIFICATIONS in must:
        conditions.extend(
            listing("certification_codes", code) for code in preferences.certifications
        )
    conditions.extend(
        Q.create([listing("certification_codes", code) for code in sorted(group)], connector=Q.OR)
        for group in preferences.required_certifications
    )
    if Requirement.BUDGET in must and preferences.budget_max is not None:
        conditions.append(Q(hourly_rate_min__lte=preferences.budget_max))
    if Requirement.NEEDS_24_7 in must and preferences.needs_24_7:
        conditions.append(Q(coverage=Vendor.Coverage.ROUND_THE_CLOCK))
    return Q(*conditions) if conditions else None


def delivers_from(countries: AbstractSet[str]) -> Q:
    return Q.create(
        [("delivery_countries__contains", country) for country in sorted(countries)],
        connector=Q.OR,
    )


def offer_points(plan: PointsPlan, planned: list[int], preferences: Preferences) -> Expression:
    """The points of `match_vendors`, on the offer of a vendor's best planned service."""
    points: Expression = service_points(plan, planned)
    if preferences.countries:
        points += Case(
            When(delivers_from(preferences.countries), then=Value(COUNTRY_POINTS)),
            default=Value(0),
        )
    for field, codes, most in (
        ("language_codes", preferences.languages, LANGUAGE_POINTS),
        ("certification_codes", preferences.certifications, CERTIFICATION_POINTS),
    ):
        if codes:
            held = how_many(listing(field, code) for code in sorted(codes))
            # most x held / asked, rounded half up, in integers.
            points += ExpressionWrapper(
                (held * Value(2 * most) + Value(len(codes))) / Value(2 * len(codes)),
                output_field=IntegerField(),
            )
    if (budget := preferences.budget_max) is not None:
        points += Case(
            When(hourly_rate_max__lte=budget, then=Value(BUDGET_POINTS)),
            When(hourly_rate_min__lte=budget, then=Value(BUDGET_PARTLY_POINTS)),
            default=Value(OVER_BUDGET_POINTS),
        )
    if preferences.needs_24_7:
        points += Case(
            When(coverage=Vendor.Coverage.ROUND_THE_CLOCK, then=Value(COVERAGE_POINTS)),
            default=Value(NO_COVERAGE_POINTS),
        )
    points += Case(When(shows_as_verified=True, then=Value(VERIFIED_POINTS)), default=Value(0))
    return points


def fit_expression(points, max_points: int) -> ExpressionWrapper:
    """round(100 x max(0, points) / max_points), half up, in integers."""
    return ExpressionWrapper(
        (Greatest(points, Value(0)) * Value(200) + Value(max_points)) / Value(2 * max_points),
        output_field=IntegerField(),
    )

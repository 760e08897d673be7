"""What the advisor reads from the catalog and the scoring settings.

The small inputs (settings, services, names) are cached under the catalog version
(outsourcing/catalog_version.py), so an edit reaches every process on its next
request; nothing is cached in DEBUG. Each function takes the `version` a caller has
already read, so one request reads it once (each read is a round trip to Redis).
Vendors are never copied: `ranked_vendors` asks the database for the few that fit
best.
"""

import hashlib
from collections.abc import Callable, Mapping
from functools import partial
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThanOrEqual
from django_countries import countries

from advisor.engine import ENGINE_VERSION, Requirement
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
from outsourcing.models import Certification, Language, Service, Vendor

# A new catalog version makes new keys; the old values go when this runs out.
INPUT_SECONDS = 60 * 60


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


def questionnaire_choices(version: str | None = None) -> dict[str, SharedChoices]:
    """The questionnaire's preference choices, shared by every form instance."""
    return kept_in_process(
        "questionnaire-choices",
        lambda version: {
            **{name: SharedChoices(names.items()) for name, names in code_names(version).items()},
            "task_services": SharedChoices(
                (service["slug"], service["name"]) for service in questionnaire_services(version)
            ),
        },
        version,
    )


def typical_profiles(slugs: list[str]) -> list[dict]:
    """The typical answers of the chosen active services."""
    return [service.profile for service in Service.objects.active().filter(slug__in=slugs)]


VendorServices = Vendor.services.through
VendorLanguages = Vendor.languages.through
VendorCertifications = Vendor.certifications.through


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

    Most vendors offering a planned service offer just one. With chosen services,
    those offering several come first, so they alone are ranked first. Those offering
    only one other than the best can earn at most the second service's points plus
    every preference point, so the vendors offering the best service or several are
    ranked next; only when one of the others could still reach the list are all ranked.
    """
    planned = [service_ids[slug] for slug, _, _ in plan.offers]
    rows = VendorServices.objects.filter(service_id__in=planned, vendor__is_active=True)
    must = must_filter(preferences)
    if must is not None:
        rows = rows.filter(must if meeting_must else ~must)
    elif not meeting_must:
        return []
    ranking = partial(
        best_rows,
        plan=plan,
        service_ids=service_ids,
        preferences=preferences,
        most_services_first=most_services_first,
        limit=limit,
    )
    if len(planned) == 1:
        top = ranking(rows)
    else:
        several = (
            VendorServices.objects.filter(service_id__in=planned)
            .values("vendor_id")
            .alias(planned=Count("service_id"))
            .filter(GreaterThanOrEqual(F("planned"), 2))
            .values("vendor_id")
        )
        best = VendorServices.objects.filter(service_id=planned[0]).values("vendor_id")
        # With chosen services, vendors offering several come before all others: when
        # there are enough of them, they are the list.
        top = ranking(rows.filter(vendor_id__in=several)) if most_services_first else []
        if len(top) < limit:
            top = ranking(rows.filter(Q(vendor_id__in=best) | Q(vendor_id__in=several)))
        _, second_primary, _ = plan.offers[1]
        most_for_services = plan.offers[0][1] + sum(
            extra for _, _, extra in plan.offers[1 : 1 + EXTRA_SERVICES]
        )
        others_can_reach = _fit(second_primary + plan.max_points - most_for_services, plan)
        last_offered, last_fit = (top[-1][1], top[-1][2]) if top else (0, 0)
        settled = len(top) == limit and (
            (most_services_first and last_offered >= 2) or last_fit > others_can_reach
        )
        # The "close, but" list is an aside: it need not look further.
        if not settled and meeting_must:
            top = ranking(rows)
    ids = [vendor_id for vendor_id, _, _ in top]
    by_id = {vendor.id: vendor for vendor in Vendor.objects.filter(pk__in=ids).candidates()}
    return [by_id[pk] for pk in ids]


def _fit(points: int, plan: PointsPlan) -> int:
    return (200 * max(0, points) + plan.max_points) // (2 * plan.max_points)


def best_rows(
    rows,
    *,
    plan: PointsPlan,
    service_ids: Mapping[str, int],
    preferences: Preferences,
    most_services_first: bool,
    limit: int,
) -> list[tuple[int, int, int]]:
    """(vendor id, services offered, fit) of the best `limit` vendors among the
    vendor-service rows. One grouped query: every value is an aggregate, so the
    group is the vendor alone."""
    return list(
        rows.values("vendor_id")
        .annotate(
            offered=Count("service_id"),
            fit=fit_expression(vendor_points(plan, service_ids, preferences), plan.max_points),
            name=Max("vendor__name"),
            slug=Max("vendor__slug"),
        )
        .order_by(*(["-offered"] if most_services_first else []), "-fit", "name", "slug")
        .values_list("vendor_id", "offered", "fit")[:limit]
    )


def must_filter(preferences: Preferences) -> Q | None:
    """The vendor-service rows whose vendor meets every required item, or None
    when nothing is required."""
    must = preferences.must
    conditions = []
    if Requirement.COUNTRIES in must and preferences.countries:
        conditions.append(
            Q.create(
                [("vendor__delivery_countries__contains", c) for c in preferences.countries],
                connector=Q.OR,
            )
        )
    for requirement, through, field, codes in (
        (Requirement.LANGUAGES, VendorLanguages, "language__code", preferences.languages),
        (
            Requirement.CERTIFICATIONS,
            VendorCertifications,
            "certification__code",
            preferences.certifications,
        ),
    ):
        if requirement in must:
            conditions.extend(
                Q(Exists(through.objects.filter(vendor_id=OuterRef("vendor_id"), **{field: code})))
                for code in codes
            )
    if Requirement.BUDGET in must and preferences.budget_max is not None:
        conditions.append(Q(vendor__hourly_rate_min__lte=preferences.budget_max))
    if Requirement.NEEDS_24_7 in must and preferences.needs_24_7:
        conditions.append(Q(vendor__coverage=Vendor.Coverage.ROUND_THE_CLOCK))
    return Q(*conditions) if conditions else None


def per_service(points: Mapping[int, int]) -> Case:
    return Case(
        *(When(service_id=pk, then=Value(value)) for pk, value in points.items()),
        default=Value(0),
    )


def vendor_points(plan: PointsPlan, service_ids: Mapping[str, int], preferences: Preferences):
    """The points of `match_vendors` as an aggregate over a vendor's service rows."""
    offers = [(service_ids[slug], primary, extra) for slug, primary, extra in plan.offers]
    primary = per_service({pk: value for pk, value, _ in offers})
    extra = per_service({pk: value for pk, _, value in offers})
    # The best service offered earns its primary points, the next EXTRA_SERVICES their
    # extra points. Points fall with rank, so the best is the maximum, and beyond the
    # extras come the lowest: with four offered, the smallest; with five, the last two.
    beyond = [
        When(Q(offered=EXTRA_SERVICES + 2), then=Min(extra)),
        *(
            [When(Q(offered=EXTRA_SERVICES + 3), then=Value(offers[3][2] + offers[4][2]))]
            if len(offers) == EXTRA_SERVICES + 3
            else []
        ),
    ]
    points = Max(primary) - Max(extra) + Sum(extra) - Case(*beyond, default=Value(0))
    if preferences.countries:
        delivers = Q.create(
            [("vendor__delivery_countries__contains", c) for c in preferences.countries],
            connector=Q.OR,
        )
        points += Max(Case(When(delivers, then=Value(COUNTRY_POINTS)), default=Value(0)))
    for through, field, codes, most in (
        (VendorLanguages, "language__code", preferences.languages, LANGUAGE_POINTS),
        (
            VendorCertifications,
            "certification__code",
            preferences.certifications,
            CERTIFICATION_POINTS,
        ),
    ):
        if codes:
            held = sum(
                (
                    Case(
                        When(
                            Exists(
                                through.objects.filter(
                                    vendor_id=OuterRef("vendor_id"), **{field: code}
                                )
                            ),
                            then=Value(1),
                        ),
                        default=Value(0),
                    )
                    for code in codes
                ),
                start=Value(0),
            )
            # most x held / asked, rounded half up, in integers.
            points += Max(
                ExpressionWrapper(
                    (held * Value(2 * most) + Value(len(codes))) / Value(2 * len(codes)),
                    output_field=IntegerField(),
                )
            )
    if (budget := preferences.budget_max) is not None:
        points += Max(
            Case(
                When(vendor__hourly_rate_max__lte=budget, then=Value(BUDGET_POINTS)),
                When(vendor__hourly_rate_min__lte=budget, then=Value(BUDGET_PARTLY_POINTS)),
                default=Value(OVER_BUDGET_POINTS),
            )
        )
    if preferences.needs_24_7:
        points += Max(
            Case(
                When(vendor__coverage=Vendor.Coverage.ROUND_THE_CLOCK, then=Value(COVERAGE_POINTS)),
                default=Value(NO_COVERAGE_POINTS),
            )
        )
    points += Max(
        Case(
            When(vendor__is_verified=True, vendor__is_sample=False, then=Value(VERIFIED_POINTS)),
            default=Value(0),
        )
    )
    return points


def fit_expression(points, max_points: int) -> ExpressionWrapper:
    """round(100 x max(0, points) / max_points), half up, in integers."""
    return ExpressionWrapper(
        (Greatest(points, Value(0)) * Value(200) + Value(max_points)) / Value(2 * max_points),
        output_field=IntegerField(),
    )

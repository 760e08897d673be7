"""Making recommendations: score the answers, match the catalog, keep a snapshot."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import partial
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_countries import countries

from advisor import catalog_inputs
from advisor.engine import Factor, Task
from advisor.engine.compliance import certifications_required
from advisor.engine.costs import (
    ROUND_THE_CLOCK_HOURS,
    USD,
    WEEKS_PER_MONTH,
    CostEstimate,
    Exchange,
    best_countries,
    estimate_costs,
)
from advisor.engine.guidance import WorkKind, kinds_of_work, kpis, readiness_checklist, risks
from advisor.engine.matching import (
    Preferences,
    ServiceMatch,
    VendorCandidate,
    VendorMatch,
    match_services,
    match_vendors,
    points_plan,
    rate_services,
    vendor_misses,
)
from advisor.engine.parameters import Parameters
from advisor.engine.results import Result
from advisor.engine.scoring import score
from advisor.engine.work import DataKind, overlap_hours
from advisor.models import Recommendation
from outsourcing.catalog_version import catalog_version
from outsourcing.models import Certification, Vendor

SERVICE_MATCHES = 5
VENDOR_MATCHES = 5
CLOSE_VENDORS = 5
MULTIPLE_PREFERENCES = ("countries", "languages", "certifications", "data_sensitivity")
HOURS_PER_WEEK_MAX = 2000


@dataclass(frozen=True)
class Advice:
    """Everything a recommendation shows, before it is saved.

    `services` holds the chosen services first, in the buyer's order, then the related
    ones; `vendors` and `close_vendors` are the snapshot's entries, shaped by
    `vendor_entry`.
    """

    task: Task
    answers: dict[Factor, int]
    preferences: dict
    preference_names: dict[str, dict[str, str]]
    parameters: Parameters
    result: Result
    services: tuple[ServiceMatch, ...]
    chosen: tuple[str, ...]
    vendors: tuple[VendorMatch, ...]
    vendor_entries: list[dict]
    close_vendors: list[dict]
    guidance: dict

    def recommendation(self, **fields) -> Recommendation:
        """An unsaved recommendation holding this advice as its snapshot."""
        return Recommendation(**self.snapshot(), **fields)

    def snapshot(self) -> dict:
        names = {match.slug: match.name for match in self.services}
        return {
            "task_name": self.task.name,
            "task_description": self.task.description,
            "task_services": [{"slug": slug, "name": names[slug]} for slug in self.chosen],
            "answers": {factor.value: answer for factor, answer in self.answers.items()},
            "preferences": self.preferences,
            "preference_names": self.preference_names,
            "engine_version": self.result.engine_version,
            "parameters": self.parameters.to_dict(),
            "result": self.result.to_dict(),
            "services": [
                {**match.to_dict(), "chosen": match.slug in self.chosen} for match in self.services
            ],
            "vendors": self.vendor_entries,
            "close_vendors": self.close_vendors,
            "guidance": self.guidance,
            "verdict": self.result.verdict.value,
            "kpo_score": self.result.kpo_score,
        }


def preferences_for_matching(preferences: dict) -> Preferences:
    """The engine's preferences from the dict forms and the command pass around;
    a bad value raises ValueError with a sentence for the buyer."""
    buyer_timezone = preferences.get("buyer_timezone", "")
    if buyer_timezone:
        try:
            ZoneInfo(buyer_timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"“{buyer_timezone}” is not an IANA time zone.") from error
    buyer_country = preferences.get("buyer_country", "")
    if buyer_country and buyer_country not in countries:
        raise ValueError(f"“{buyer_country}” is not an ISO 3166 country code.")
    hours = preferences.get("hours_per_week")
    if hours is not None and (
        not isinstance(hours, int)
        or isinstance(hours, bool)
        or not 1 <= hours <= HOURS_PER_WEEK_MAX
    ):
        raise ValueError(f"hours_per_week must be a whole number from 1 to {HOURS_PER_WEEK_MAX:,}.")
    data = data_kinds(preferences)
    try:
        return Preferences(
            countries=frozenset(preferences.get("countries", ())),
            languages=frozenset(preferences.get("languages", ())),
            certifications=frozenset(preferences.get("certifications", ())),
            budget_max=preferences.get("budget"),
            needs_24_7=preferences.get("needs_24_7", False),
            must=frozenset(preferences.get("must", ())),
            buyer_country=buyer_country,
            buyer_timezone=buyer_timezone,
            required_certifications=tuple(
                frozenset(certification.any_of)
                for certification in certifications_required(data, buyer_country, ())
                if certification.must
            )
            if preferences.get("require_certifications", True)
            else (),
        )
    except ValueError as error:
        raise ValueError(f"Bad preferences: {error}.") from error


def data_kinds(preferences: dict) -> tuple[DataKind, ...]:
    """The kinds of data the work touches; an unknown one raises ValueError."""
    known = [kind.value for kind in DataKind]
    kinds = preferences.get("data_sensitivity", ())
    if unknown := [kind for kind in kinds if kind not in known]:
        raise ValueError(
            f"“{str(unknown[0])[:40]}” is not a kind of data we know; "
            f"data_sensitivity takes {', '.join(known)}."
        )
    return tuple(DataKind(kind) for kind in kinds)


def exchange_for(currency: str, rates: Mapping[str, Exchange]) -> Exchange:
    if currency == USD.currency:
        return USD
    if currency not in rates:
        known = ", ".join(["USD", *sorted(rates)])
        raise ValueError(f"“{currency[:12]}” is not a currency we keep a rate for ({known}).")
    return rates[currency]


def advice_build(
    *, task: Task, answers: dict[Factor, int], preferences: dict, version: str | None = None
) -> Advice:
    """Score the answers with the current settings and match the active catalog: the
    vendors offering the chosen services, or, with none chosen, those offering the
    services closest to the answers. Raises ValueError for an unknown service or a bad
    preference. `version` is the catalog version, if the caller has read it."""
    # A code sent twice is kept once, where it first came, so no snapshot repeats it.
    preferences = {
        name: list(dict.fromkeys(value)) if name in [*MULTIPLE_PREFERENCES, "must"] else value
        for name, value in preferences.items()
    }
    wanted = preferences_for_matching(preferences)
    version = version or catalog_version()
    costs = catalog_inputs.cost_inputs(version)
    exchange = exchange_for(preferences.get("currency") or USD.currency, costs.exchange)
    parameters = catalog_inputs.scoring_parameters(version)
    result = score(answers, parameters)
    candidates = catalog_inputs.service_candidates(version)
    by_slug = {candidate.slug: candidate for candidate in candidates}
    if unknown := [slug for slug in task.services if slug not in by_slug]:
        raise ValueError(f"There is no active service “{unknown[0]}”.")
    chosen = rate_services(answers, result, [by_slug[slug] for slug in task.services])
    related = match_services(
        answers,
        result,
        [candidate for candidate in candidates if candidate.slug not in task.services],
        limit=SERVICE_MATCHES,
    )
    # Without a chosen service, vendors are matched by the nature of the work alone.
    matched = chosen or related
    service_ids = {c.slug: c.id for c in candidates if c.id is not None}
    names = catalog_inputs.code_names(version)
    name_maps: dict[str, Mapping[str, str]] = {
        "country_names": names["countries"],
        "language_names": names["languages"],
        "certification_names": names["certifications"],
    }
    vendors: tuple[VendorMatch, ...] = ()
    close: tuple[VendorMatch, ...] = ()
    if plan := points_plan(matched, wanted):
        first = bool(chosen)
        rank = partial(
            match_vendors,
            most_services_first=first,
            country_names=names["countries"],
            language_names=names["languages"],
            certification_names=names["certifications"],
        )
        top = catalog_inputs.ranked_vendors(
            plan,
            service_ids,
            wanted,
            most_services_first=first,
            limit=VENDOR_MATCHES,
            version=version,
        )
        vendors = rank(matched, top, wanted, VENDOR_MATCHES)
        missing = catalog_inputs.ranked_vendors(
            plan,
            service_ids,
            wanted,
            most_services_first=first,
            meeting_must=False,
            limit=CLOSE_VENDORS,
            version=version,
        )
        close = rank(
            matched,
            missing,
            replace(wanted, must=frozenset(), required_certifications=()),
            CLOSE_VENDORS,
        )
    service_names = {match.slug: match.name for match in (*chosen, *related)}
    kinds = kinds_of_work(result.verdict, answers, [match.service.process_type for match in chosen])
    cost = cost_estimate(
        costs,
        matched[0].slug if matched else None,
        preferences=preferences,
        wanted=wanted,
        vendor_countries=[
            code for match in (*vendors, *close) for code in sorted(match.vendor.countries)
        ],
        exchange=exchange,
    )
    entry = partial(
        vendor_entry,
        chosen=task.services,
        service_names=service_names,
        preferences=wanted,
        country_names=names["countries"],
        name_maps=name_maps,
        contacts=vendor_contacts([match.vendor.id for match in (*vendors, *close)]),
        cost=cost,
    )
    # The brief shows these names as they are now, whatever is renamed later.
    preference_names = {
        "countries": {code: countries.name(code) for code in preferences.get("countries", ())},
        "languages": {
            code: names["languages"].get(code, code) for code in preferences.get("languages", ())
        },
        "certifications": {
            code: names["certifications"].get(code, code)
            for code in preferences.get("certifications", ())
        },
        # A code means little to a buyer: the brief says what each one certifies.
        "certification_meanings": dict(
            Certification.objects.filter(
                code__in=preferences.get("certifications", ())
            ).values_list("code", "description")
        ),
    }
    return Advice(
        task=task,
        answers=answers,
        preferences=preferences,
        preference_names=preference_names,
        parameters=parameters,
        result=result,
        services=(*chosen, *related),
        chosen=task.services,
        vendors=vendors,
        vendor_entries=[entry(match) for match in vendors],
        close_vendors=[entry(match) for match in close],
        guidance=guidance_for(result, answers, kinds, wanted, data_kinds(preferences), cost),
    )


def guidance_for(
    result: Result,
    answers: dict[Factor, int],
    kinds: tuple[WorkKind, ...],
    wanted: Preferences,
    data: tuple[DataKind, ...],
    cost: CostEstimate | None,
) -> dict:
    """What it costs, what it must comply with, what can go wrong, what to measure and
    what to have ready, as the snapshot keeps it."""
    found = risks(result.verdict, answers, wanted.countries, data, wanted.buyer_country)
    return {
        "kinds": [kind.value for kind in kinds],
        "data_sensitivity": [kind.value for kind in data],
        "certifications_required": [
            certification.to_dict()
            for certification in certifications_required(data, wanted.buyer_country, kinds)
        ],
        "cost": cost.to_dict() if cost else None,
        "risks": [risk.to_dict() for risk in found],
        "kpis": [kpi.to_dict() for kpi in kpis(kinds)],
        "checklist": list(readiness_checklist(kinds)),
    }


# Where the buyer gives no country, costs are compared with the United States.
ONSHORE_DEFAULT = "US"


def cost_estimate(
    costs: catalog_inputs.CostInputs,
    service_slug: str | None,
    *,
    preferences: dict,
    wanted: Preferences,
    vendor_countries: list[str],
    exchange: Exchange,
) -> CostEstimate | None:
    """The cost of the work's first service's kind of work in the countries that fit
    the buyer best and onshore; None when the catalog has no rate card for it."""
    if service_slug is None:
        return None
    _, rates = costs.rates_for(service_slug)
    home = wanted.buyer_country or ONSHORE_DEFAULT
    options = best_countries(
        rates, buyer_country=home, preferred=wanted.countries, vendor_countries=vendor_countries
    )
    onshore = next((rate for rate in rates if rate.country == home), None)
    if not options and onshore is None:
        return None
    return estimate_costs(
        options,
        onshore,
        hours_per_week=preferences.get("hours_per_week"),
        needs_24_7=wanted.needs_24_7,
        countries=costs.countries,
        assumptions=costs.assumptions,
        exchange=exchange,
        today=timezone.localdate(),
    )


def vendor_contacts(ids: Iterable[int | None]) -> dict[int, dict]:
    """How to reach each shown vendor, its smallest engagement and when an editor last
    reviewed its details: what matching does not need but a shortlist does."""
    return {
        pk: {
            "contact_email": email,
            "contact_url": url,
            "minimum_engagement": minimum,
            "reviewed_on": reviewed.isoformat() if reviewed else None,
        }
        for pk, email, url, minimum, reviewed in Vendor.objects.filter(
            pk__in=[i for i in ids if i]
        ).values_list("pk", "contact_email", "contact_url", "minimum_engagement", "reviewed_on")
    }


def vendor_entry(
    match: VendorMatch,
    *,
    chosen: tuple[str, ...],
    service_names: dict[str, str],
    preferences: Preferences,
    country_names: dict[str, str],
    name_maps: dict[str, Mapping[str, str]],
    contacts: Mapping[int, dict],
    cost: CostEstimate | None,
) -> dict:
    """A vendor as the snapshot keeps it: the engine's match, what it offers of the
    chosen services, where and when it works, what it misses of the must-haves, how
    to reach it, and what the work would cost a month at its rates."""
    vendor = match.vendor
    offers = [slug for slug in chosen if slug in vendor.services]
    delivery = sorted(vendor.countries)
    misses = list(vendor_misses(vendor, preferences, **name_maps))
    overlap = None
    if preferences.buyer_timezone and vendor.timezone:
        overlap = overlap_hours(
            vendor.timezone,
            preferences.buyer_timezone,
            round_the_clock=vendor.is_24_7,
            on=timezone.localdate(),
        )
    return {
        **match.to_dict(),
        "offers": offers,
        "offers_names": [service_names[slug] for slug in offers],
        "sample": vendor.is_sample,
        "verified": vendor.is_verified,
        "delivery_countries": delivery,
        "delivery_country_names": [country_names.get(c) or countries.name(c) for c in delivery],
        "timezone": vendor.timezone,
        "overlap_hours": overlap,
        "meets_must_haves": not misses,
        "misses": misses,
        "hourly_rate_min": vendor.rate_min,
        "hourly_rate_max": vendor.rate_max,
        "languages": sorted(vendor.languages),
        "language_names": sorted(
            name_maps["language_names"].get(code, code) for code in vendor.languages
        ),
        "certifications": sorted(vendor.certifications),
        "certification_names": sorted(
            name_maps["certification_names"].get(code, code) for code in vendor.certifications
        ),
        **contacts.get(vendor.id or 0, {}),
        **vendor_monthly_cost(vendor, cost),
    }


def vendor_monthly_cost(vendor: VendorCandidate, cost: CostEstimate | None) -> dict:
    """The work's hours a month at the vendor's published rates, in the buyer's currency,
    seats around the clock included: what its bill would be, before hidden costs."""
    if cost is None or vendor.rate_min is None or vendor.rate_max is None:
        return {"monthly_low": None, "monthly_high": None}
    hours = cost.hours_per_week
    if cost.needs_24_7:
        hours = max(hours, ROUND_THE_CLOCK_HOURS)
    return {
        "monthly_low": cost.money(hours * WEEKS_PER_MONTH * vendor.rate_min),
        "monthly_high": cost.money(hours * WEEKS_PER_MONTH * vendor.rate_max),
    }


def submission_key(
    submission_id: UUID, task: Task, answers: dict[Factor, int], preferences: dict
) -> str:
    """The same form sent twice with the same content gets the same key; a changed
    answer (after going back in the browser, say) gets a new one."""
    content = json.dumps(
        [
            str(submission_id),
            [task.name, task.description, task.services],
            {f.value: a for f, a in answers.items()},
            preferences,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(content.encode()).hexdigest()


def recommendation_create(
    *,
    task: Task,
    answers: dict[Factor, int],
    preferences: dict,
    submission_id: UUID | None = None,
    version: str | None = None,
) -> Recommendation:
    """Save the advice as a snapshot, once per submission.

    A repeated submission (double click, resent form, concurrent identical posts)
    returns the recommendation the first one made. Repeats are rare, so the unique
    key finds them on insert rather than with a lookup before every save.
    """
    key = submission_key(submission_id, task, answers, preferences) if submission_id else None
    advice = advice_build(task=task, answers=answers, preferences=preferences, version=version)
    recommendation = advice.recommendation(submission_key=key)
    # One INSERT is atomic by itself; only inside a transaction (a test, a command)
    # does a savepoint have to keep a duplicate key from spoiling the rest of it.
    connection = transaction.get_connection()
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            recommendation.save(force_insert=True)
        return recommendation
    except IntegrityError:
        if key is None:
            raise
        return Recommendation.objects.get(submission_key=key)

"""In-process timing: scoring plus matching one answer set against every vendor.

Run by bench/bench.py against its freshly loaded database (10,000 vendors); prints
the median and 95th percentile over 500 random answer sets. "Engine" scores and ranks
against a `VendorPool` of every active vendor, built once (its build time is printed:
the app builds it once per catalog version); "app" is what a submit does before
saving (`advice_build`, with the catalog data cached as in a running site).
"""

import os
import random
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django_countries import countries  # noqa: E402

from advisor.engine import Factor  # noqa: E402
from advisor.engine.matching import (  # noqa: E402
    Preferences,
    VendorPool,
    match_services,
    match_vendors,
)
from advisor.engine.scoring import score  # noqa: E402
from advisor.services import advice_build  # noqa: E402
from outsourcing.models import Service, Vendor  # noqa: E402

ROUNDS = 500
# Preferences many vendors half meet, so few can be ruled out early: the slow case.
PREFERENCES = Preferences(
    countries=frozenset({"PH", "IN"}), languages=frozenset({"en"}), budget_max=40
)


def answer_sets(rng: random.Random) -> list[dict[Factor, int]]:
    sets = []
    for _ in range(ROUNDS):
        answers = {factor: rng.randint(1, 5) for factor in Factor if rng.random() < 0.8}
        answers.update({factor: rng.randint(1, 5) for factor in Factor if factor.required})
        sets.append(answers)
    return sets


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {statistics.median(samples):.1f} ms, p95 {cuts[94]:.1f} ms"


def main() -> None:
    services = Service.objects.active().candidates()
    started = time.perf_counter()
    vendors = VendorPool(Vendor.objects.active().candidates())
    pool_ms = (time.perf_counter() - started) * 1000
    names = dict(countries)
    sets = answer_sets(random.Random(7))
    timings: dict[Preferences, list[float]] = {Preferences(): [], PREFERENCES: []}
    for preferences, samples in timings.items():
        for answers in sets:
            started = time.perf_counter()
            result = score(answers)
            matches = match_services(answers, result, services, limit=5)
            match_vendors(matches, vendors, preferences, limit=5, country_names=names)
            samples.append((time.perf_counter() - started) * 1000)
    app = []
    advice_build(answers=sets[0], preferences={})  # fills the catalog cache
    for answers in sets:
        request_started.send(sender=None)  # the catalog version is read once a request
        started = time.perf_counter()
        advice_build(answers=answers, preferences={})
        app.append((time.perf_counter() - started) * 1000)
        request_finished.send(sender=None)
    print(f"\nScoring + matching against {len(vendors)} vendors, in-process, {ROUNDS} answer sets:")
    print(f"  (reading the vendors and building their pool, once: {pool_ms:.0f} ms)")
    print(f"  engine, no preferences:           {percentiles(timings[Preferences()])}")
    print(f"  engine, with preferences:         {percentiles(timings[PREFERENCES])}")
    print(f"  app (advice_build, cached data):  {percentiles(app)}")


if __name__ == "__main__":
    main()

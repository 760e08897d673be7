"""In-process timing: scoring plus matching one answer set against every vendor.

Run by bench/bench.py against its freshly loaded database (10,000 vendors); prints
the median and 95th percentile over 500 random answer sets of what a submit does
before saving (`advice_build`, with the catalog's small inputs cached as in a running
site): scoring, then ranking the vendors in the database, without and with vendor
preferences; then the same answers again, their rankings kept
(`catalog_inputs.ranked_vendors`) as a running site keeps those it has made.
bench/scale.py measures the database's ranking at 300,000 vendors.
"""

import os
import random
import statistics
import time
from unittest import mock

import django
from django.core.cache.backends.dummy import DummyCache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from advisor import catalog_inputs  # noqa: E402
from advisor.engine import Factor, Task  # noqa: E402
from advisor.services import advice_build  # noqa: E402
from outsourcing.models import Vendor  # noqa: E402

ROUNDS = 500
# Preferences many vendors half meet, so few can be ruled out early: the slow case.
PREFERENCES = {"countries": ["PH", "IN"], "languages": ["en"], "budget": 40}
TASK = Task("Benchmark work")


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


def timed(sets: list[dict[Factor, int]], preferences: dict) -> list[float]:
    samples = []
    for answers in sets:
        started = time.perf_counter()
        advice_build(task=TASK, answers=answers, preferences=preferences)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    sets = answer_sets(random.Random(7))
    advice_build(task=TASK, answers=sets[0], preferences={})  # fills the catalog cache
    timings: dict[str, list[float]] = {}
    # Every ranking made afresh in the database, without and with preferences: the
    # advisor's shared cache keeps nothing (its small inputs stay in process copies).
    with mock.patch.object(catalog_inputs, "cache", DummyCache("none", {})):
        timings["no preferences"] = timed(sets, {})
        timings["with preferences"] = timed(sets, PREFERENCES)
    # Then as a running site: the first pass keeps each ranking, the second finds it.
    timed(sets, {})
    timings["ranking kept"] = timed(sets, {})
    count = Vendor.objects.active().count()
    print(f"\nScoring + matching against {count} vendors, in-process, {ROUNDS} answer sets:")
    for name, samples in timings.items():
        print(f"  advice_build, {name + ':':<18} {percentiles(samples)}")


if __name__ == "__main__":
    main()

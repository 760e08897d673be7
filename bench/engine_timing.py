"""In-process timing: scoring plus matching one answer set against every vendor.

Run by bench/bench.py against its freshly loaded database (10,000 vendors); prints
the median and 95th percentile over 500 random answer sets. "Engine" ranks the whole
vendor list as the engine receives it; "app" is what a submit does before saving
(`advice_build`: cached candidates, only the vendors offering a matched service).
"""

import os
import random
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django_countries import countries  # noqa: E402

from advisor.engine import Factor  # noqa: E402
from advisor.engine.matching import Preferences, match_services, match_vendors  # noqa: E402
from advisor.engine.scoring import score  # noqa: E402
from advisor.services import advice_build  # noqa: E402
from outsourcing.models import Service, Vendor  # noqa: E402

ROUNDS = 500


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
    vendors = Vendor.objects.active().candidates()
    names = dict(countries)
    sets = answer_sets(random.Random(7))
    engine = []
    for answers in sets:
        started = time.perf_counter()
        result = score(answers)
        matches = match_services(answers, result, services, limit=5)
        match_vendors(matches, vendors, Preferences(), limit=5, country_names=names)
        engine.append((time.perf_counter() - started) * 1000)
    app = []
    advice_build(answers=sets[0], preferences={})  # fills the catalog cache
    for answers in sets:
        started = time.perf_counter()
        advice_build(answers=answers, preferences={})
        app.append((time.perf_counter() - started) * 1000)
    print(f"\nScoring + matching against {len(vendors)} vendors, in-process, {ROUNDS} answer sets:")
    print(f"  engine, whole vendor list:        {percentiles(engine)}")
    print(f"  app (advice_build, cached data):  {percentiles(app)}")


if __name__ == "__main__":
    main()

"""The database ranks vendors exactly as the engine does."""

import random

import pytest
from django.core.management import call_command

from advisor import catalog_inputs
from advisor.engine import (
    Factor,
    Preferences,
    Requirement,
    match_services,
    match_vendors,
    points_plan,
    rate_services,
    score,
)
from outsourcing.models import Vendor

PREFERENCES = [
    Preferences(),
    Preferences(countries={"PH", "IN"}, languages={"en", "es"}, budget_max=30),
    Preferences(certifications={"iso-27001"}, needs_24_7=True, languages={"fr"}, budget_max=50),
    Preferences(
        languages={"en", "de"},
        countries={"PL", "RO", "BG"},
        needs_24_7=True,
        must={Requirement.LANGUAGES, Requirement.COUNTRIES},
    ),
    Preferences(
        certifications={"iso-27001", "iso-9001"},
        budget_max=40,
        needs_24_7=True,
        must={Requirement.CERTIFICATIONS, Requirement.BUDGET, Requirement.NEEDS_24_7},
    ),
    # What the work's data needs: one of each group, whatever else is asked.
    Preferences(
        languages={"en"},
        required_certifications=(frozenset({"iso-27001", "iso-9001"}),),
    ),
]


@pytest.fixture
def generated_vendors(db):
    call_command("generate_catalog", vendors=400, services=8, seed=11, verbosity=0)
    # Some sample vendors marked verified: they still earn nothing for it.
    Vendor.objects.filter(pk__in=Vendor.objects.order_by("pk")[:50].values("pk")).update(
        is_verified=True
    )


@pytest.mark.parametrize("preferences", PREFERENCES)
@pytest.mark.parametrize("chosen_count", [0, 1, 3, 5])
def test_the_database_ranks_vendors_as_the_engine_does(
    generated_vendors, preferences, chosen_count
):
    rng = random.Random(chosen_count)
    services = catalog_inputs.service_candidates()
    service_ids = {service.slug: service.id for service in services}
    everyone = Vendor.objects.active().candidates()
    for _ in range(3):
        answers = {factor: rng.randint(1, 5) for factor in Factor}
        result = score(answers)
        if chosen_count:
            matched = rate_services(answers, result, rng.sample(services, chosen_count))
        else:
            matched = match_services(answers, result, services)
        plan = points_plan(matched, preferences)
        first = bool(chosen_count)
        expected = match_vendors(
            matched, everyone, preferences, limit=12, most_services_first=first
        )
        found = catalog_inputs.vendors_ranked_in_database(
            plan, service_ids, preferences, most_services_first=first, limit=12
        )
        assert [vendor.slug for vendor in found] == [match.slug for match in expected]
        assert len(found) == 12 or preferences.must


def test_the_close_list_holds_the_vendors_missing_a_required_item(generated_vendors):
    services = catalog_inputs.service_candidates()
    service_ids = {service.slug: service.id for service in services}
    answers = dict.fromkeys(Factor, 2)
    matched = match_services(answers, score(answers), services)
    preferences = PREFERENCES[3]
    plan = points_plan(matched, preferences)
    close = catalog_inputs.vendors_ranked_in_database(
        plan, service_ids, preferences, most_services_first=False, meeting_must=False, limit=5
    )
    assert len(close) == 5
    assert all(
        not ({"en", "de"} <= vendor.languages and vendor.countries & {"PL", "RO", "BG"})
        for vendor in close
    )
    free = Preferences(languages={"en"})
    assert (
        catalog_inputs.vendors_ranked_in_database(
            plan, service_ids, free, most_services_first=False, meeting_must=False, limit=5
        )
        == []
    )


def test_a_kept_ranking_follows_every_catalog_edit(generated_vendors, django_assert_num_queries):
    services = catalog_inputs.service_candidates()
    service_ids = {service.slug: service.id for service in services}
    answers = dict.fromkeys(Factor, 4)
    plan = points_plan(match_services(answers, score(answers), services), Preferences())

    def ranking():
        return catalog_inputs.ranked_vendors(
            plan, service_ids, Preferences(), most_services_first=False, limit=5
        )

    first = ranking()
    with django_assert_num_queries(0):
        assert ranking() == first
    # An admin bulk action's update() sends no signal; the catalog's queryset still
    # moves the version, so the next ranking leaves the vendor out.
    Vendor.objects.filter(slug=first[0].slug).update(is_active=False)
    after = ranking()
    assert first[0].slug not in [vendor.slug for vendor in after]
    assert [vendor.slug for vendor in after[:4]] == [vendor.slug for vendor in first[1:]]

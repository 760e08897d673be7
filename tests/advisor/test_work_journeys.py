"""The issue's journeys with the shipped catalog, through the service and the command:
advice about the buyer's actual work."""

import io
import json

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from advisor import catalog_inputs
from advisor.engine import Factor, Task
from advisor.models import Recommendation
from advisor.services import advice_build, recommendation_create
from outsourcing.models import Vendor

RECRUITMENT_WEBSITE = {
    "task_complexity": 4,
    "skill_scarcity": 3,
    "decision_authority": 3,
    "process_definition": 3,
    "core_proximity": 3,
    "customization": 4,
    "driving_force": 4,
    "technology": 4,
    "customer_contact": 2,
}
SUPPORT = {
    "task_complexity": 2,
    "skill_scarcity": 2,
    "decision_authority": 2,
    "process_definition": 2,
    "core_proximity": 2,
    "customization": 2,
    "driving_force": 1,
    "technology": 2,
    "customer_contact": 5,
}
SUPPORT_PREFERENCES = {
    "languages": ["en", "es"],
    "needs_24_7": True,
    "buyer_country": "US",
    "buyer_timezone": "America/New_York",
    "must": ["languages", "needs_24_7"],
}
# Pieces of work as buyers describe them, with what the advice must show.
WORK_CASES = [
    {
        "task": "After-sales care for our appliances",
        "services": ["after-sales-service", "email-support"],
        "answers": SUPPORT,
        "preferences": {
            "languages": ["en", "de"],
            "buyer_country": "DE",
            "buyer_timezone": "Europe/Berlin",
            "must": ["languages"],
        },
        "verdicts": {"bpo"},
    },
    {
        "task": "Review 3,000 supplier contracts before an acquisition",
        "services": ["document-review", "legal-process-outsourcing"],
        "answers": {
            "task_complexity": 4,
            "skill_scarcity": 5,
            "decision_authority": 4,
            "process_definition": 3,
            "core_proximity": 3,
            "customization": 4,
            "driving_force": 5,
            "technology": 3,
            "customer_contact": 1,
        },
        "preferences": {
            "buyer_country": "US",
            "buyer_timezone": "America/New_York",
            "certifications": ["iso-27001"],
            "must": ["certifications"],
        },
        "verdicts": {"kpo"},
    },
    {
        "task": "Keep 20,000 product listings up to date",
        "services": ["product-catalog-management"],
        "answers": {
            "task_complexity": 2,
            "skill_scarcity": 1,
            "decision_authority": 1,
            "process_definition": 1,
            "core_proximity": 2,
            "customization": 2,
            "driving_force": 1,
            "technology": 2,
            "customer_contact": 1,
        },
        "preferences": {"budget": 12, "buyer_country": "GB", "buyer_timezone": "Europe/London"},
        "verdicts": {"bpo"},
    },
]


@pytest.fixture
def shipped_catalog(db):
    call_command("load_catalog", verbosity=0)


def answers_of(raw: dict) -> dict[Factor, int]:
    return {Factor(key): value for key, value in raw.items()}


def recommend(case: dict, *extra: str) -> dict:
    out = io.StringIO()
    call_command(
        "recommend",
        "--task",
        case["task"],
        "--answers",
        json.dumps(case["answers"]),
        "--services",
        ",".join(case["services"]),
        "--preferences",
        json.dumps(case["preferences"]),
        *extra,
        stdout=out,
    )
    return json.loads(out.getvalue())


def offered(slug: str) -> set[str]:
    return set(Vendor.objects.get(slug=slug).services.values_list("slug", flat=True))


def spoken(slug: str) -> set[str]:
    return set(Vendor.objects.get(slug=slug).languages.values_list("code", flat=True))


def test_the_recruitment_firms_website_lists_only_vendors_building_web_applications(
    shipped_catalog,
):
    task = Task(
        "Recruitment website with a resume database", services=("web-application-development",)
    )
    recommendation = recommendation_create(
        task=task, answers=answers_of(RECRUITMENT_WEBSITE), preferences={}
    )
    assert recommendation.task_name == "Recruitment website with a resume database"
    assert recommendation.task_services == [
        {"slug": "web-application-development", "name": "Web application development"}
    ]
    builders = set(
        Vendor.objects.filter(services__slug="web-application-development").values_list(
            "slug", flat=True
        )
    )
    assert builders
    assert {vendor["slug"] for vendor in recommendation.vendors} == builders
    for vendor in recommendation.vendors:
        assert vendor["offers"] == ["web-application-development"]
        assert vendor["offers_names"] == ["Web application development"]
        assert vendor["sample"] is True
        assert vendor["verified"] is False
    chosen, *related = recommendation.services
    assert (chosen["slug"], chosen["chosen"]) == ("web-application-development", True)
    assert related
    assert not any(service["chosen"] for service in related)
    assert "web-application-development" not in {service["slug"] for service in related}
    assert "medical-transcription" not in {vendor["slug"] for vendor in recommendation.vendors}


def test_the_support_managers_vendors_meet_every_must_have_and_show_where_and_when(
    shipped_catalog,
):
    task = Task("Customer email and chat support", services=("email-support", "live-chat-support"))
    recommendation = recommendation_create(
        task=task, answers=answers_of(SUPPORT), preferences=SUPPORT_PREFERENCES
    )
    vendors = recommendation.vendors
    assert vendors
    for vendor in vendors:
        assert {"en", "es"} <= spoken(vendor["slug"])
        assert Vendor.objects.get(slug=vendor["slug"]).is_24_7
        assert set(vendor["offers"]) == offered(vendor["slug"]) & {
            "email-support",
            "live-chat-support",
        }
        assert vendor["offers"]
        assert vendor["delivery_countries"]
        assert vendor["delivery_country_names"]
        assert vendor["timezone"]
        assert vendor["overlap_hours"] == 8  # round the clock
        assert (vendor["meets_must_haves"], vendor["misses"]) == (True, [])
    counts = [len(vendor["offers"]) for vendor in vendors]
    assert counts == sorted(counts, reverse=True)
    assert recommendation.close_vendors
    for vendor in recommendation.close_vendors:
        assert vendor["offers"]
        assert vendor["meets_must_haves"] is False
        assert vendor["misses"]
        assert all(miss.startswith("It ") and miss.endswith(".") for miss in vendor["misses"])
    assert {vendor["slug"] for vendor in vendors}.isdisjoint(
        vendor["slug"] for vendor in recommendation.close_vendors
    )


def test_without_a_chosen_service_vendors_are_matched_by_the_nature_of_the_work(
    shipped_catalog,
):
    advice = advice_build(
        task=Task("Customer email and chat support"), answers=answers_of(SUPPORT), preferences={}
    )
    snapshot = advice.snapshot()
    assert snapshot["task_services"] == []
    assert snapshot["services"]
    assert not any(service["chosen"] for service in snapshot["services"])
    related = {service["slug"] for service in snapshot["services"]}
    for vendor in snapshot["vendors"]:
        assert offered(vendor["slug"]) & related
        assert vendor["offers"] == []
        assert vendor["overlap_hours"] is None  # no buyer time zone


def test_the_after_sales_case(shipped_catalog):
    output = recommend(WORK_CASES[0])
    assert output["verdict"] in WORK_CASES[0]["verdicts"]
    assert output["task"]["name"] == "After-sales care for our appliances"
    assert output["vendors"]
    for vendor in output["vendors"]:
        assert offered(vendor["slug"]) & {"after-sales-service", "email-support"}
        assert {"en", "de"} <= spoken(vendor["slug"])
    near = [v for v in output["vendors"] if {"BG", "RO"} & set(v["delivery_countries"])]
    assert near
    assert all(vendor["overlap_hours"] >= 7 for vendor in near)


def test_the_contract_review_case(shipped_catalog):
    output = recommend(WORK_CASES[1])
    assert output["verdict"] in WORK_CASES[1]["verdicts"]
    assert output["vendors"]
    chosen = {"document-review", "legal-process-outsourcing"}
    for vendor in output["vendors"]:
        assert offered(vendor["slug"]) & chosen
        certifications = Vendor.objects.get(slug=vendor["slug"]).certifications
        assert certifications.filter(code="iso-27001").exists()
    counts = [len(vendor["offers"]) for vendor in output["vendors"]]
    assert counts == sorted(counts, reverse=True)


def test_the_product_catalog_case(shipped_catalog):
    output = recommend(WORK_CASES[2], "--save")
    assert output["verdict"] in WORK_CASES[2]["verdicts"]
    assert output["vendors"]
    for vendor in output["vendors"]:
        assert "product-catalog-management" in offered(vendor["slug"])
        assert vendor["sample"] is True
        assert vendor["verified"] is False
    assert Recommendation.objects.get().task_name == "Keep 20,000 product listings up to date"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--services", "no-such-service"], "There is no active service “no-such-service”"),
        (["--services", "a,b,c,d,e,f"], "Choose at most 5 services"),
        (["--preferences", '{"colour": "red"}'], "Unknown preference “colour”"),
        (["--preferences", '{"languages": "en"}'], "must be a list of codes"),
        (["--preferences", '{"languages": ["xx"]}'], "Unknown code “xx”"),
        (["--preferences", '{"must": ["colour"]}'], "Unknown code “colour”"),
        (["--preferences", '{"budget": 0}'], "must be a number of USD above 0"),
        (["--preferences", '{"needs_24_7": "yes"}'], "must be true or false"),
        (["--preferences", '{"buyer_timezone": "Mars/Olympus"}'], "not an IANA time zone"),
        (["--preferences", '{"buyer_country": "XX"}'], "not an ISO 3166 country code"),
        (["--preferences", '{"buyer_timezone": 5}'], "must be a string"),
        (["--preferences", "[]"], "must be a JSON object"),
        (["--preferences", "{"], "not valid JSON"),
        (["--task", "ab"], "Name the work in 3 to 120 characters"),
    ],
)
def test_bad_work_or_preferences_are_refused_in_one_line_and_save_nothing(
    shipped_catalog, arguments, message
):
    base = ["--task", "Support", "--answers", json.dumps(SUPPORT)]
    with pytest.raises(CommandError, match=message) as refused:
        call_command("recommend", *base, *arguments, "--save", stdout=io.StringIO())
    assert "\n" not in str(refused.value)
    assert not Recommendation.objects.exists()


def test_a_recommendation_about_chosen_services_takes_a_fixed_number_of_queries(
    shipped_catalog, django_assert_num_queries
):
    task = Task("Customer email and chat support", services=("email-support", "live-chat-support"))
    cache.clear()
    catalog_inputs.scoring_parameters()
    catalog_inputs.service_candidates()
    catalog_inputs.code_names()
    catalog_inputs.cost_inputs()
    # The list: the ranking over the offers, then the profiles (2). The close list: the
    # same two (2). The shown vendors' contacts (1). Savepoint, insert, release (3).
    with django_assert_num_queries(8):
        recommendation_create(
            task=task, answers=answers_of(SUPPORT), preferences=SUPPORT_PREFERENCES
        )
    # Without a must-have there is no "close, but" list to look for.
    with django_assert_num_queries(6):
        recommendation_create(task=task, answers=answers_of(SUPPORT), preferences={})

import random

import pytest

from advisor.engine import (
    AnswerError,
    Factor,
    FitItem,
    Preferences,
    ProcessType,
    Requirement,
    ServiceCandidate,
    VendorCandidate,
    match_services,
    match_vendors,
    points_plan,
    rate_services,
    score,
    vendor_misses,
)


def profile(*values):
    return dict(zip(Factor, values, strict=True))


DATA_ENTRY = ServiceCandidate(
    "data-entry", "Data entry", ProcessType.BPO, profile(1, 1, 1, 1, 1, 1, 1, 1, 1), id=1
)
CALL_CENTER = ServiceCandidate(
    "call-center", "Call center", ProcessType.BPO, profile(1, 1, 1, 1, 1, 1, 1, 1, 5), id=2
)
PAYROLL = ServiceCandidate(
    "payroll", "Payroll", ProcessType.BPO, profile(2, 2, 1, 1, 1, 2, 1, 2, 1), id=3
)
FINANCIAL_RESEARCH = ServiceCandidate(
    "financial-research",
    "Financial research",
    ProcessType.KPO,
    profile(5, 5, 5, 4, 4, 5, 5, 4, 1),
    id=4,
)
MARKET_RESEARCH = ServiceCandidate(
    "market-research", "Market research", "kpo", profile(4, 4, 3, 4, 4, 4, 5, 4, 1), id=5
)
SERVICES = (FINANCIAL_RESEARCH, PAYROLL, MARKET_RESEARCH, DATA_ENTRY, CALL_CENTER)

ROUTINE = {factor.value: 1 for factor in Factor}
EXPERT = dict(zip([factor.value for factor in Factor], (5, 5, 4, 4, 4, 5, 5, 4, 1), strict=True))


def services_for(answers, services=SERVICES, limit=5):
    return match_services(answers, score(answers), services, limit)


def vendor(slug, services, **fields):
    return VendorCandidate(
        slug=slug, name=fields.pop("name", slug.title()), services=services, **fields
    )


# Services


def test_services_of_the_recommended_type_ranked_by_fit():
    matches = services_for(ROUTINE)
    assert [(match.slug, match.fit) for match in matches] == [
        ("data-entry", 100),
        ("call-center", 94),  # customer contact differs by 4 of 72 weighted points
        ("payroll", 88),
    ]
    assert [match.slug for match in services_for(EXPERT)] == [
        "financial-research",
        "market-research",
    ]


def test_hybrid_draws_on_both_types():
    middling = {factor.value: 3 for factor in Factor}
    matches = services_for(middling)
    assert {match.service.process_type for match in matches} == {ProcessType.BPO, ProcessType.KPO}
    assert len(matches) == 5


def test_unanswered_factors_do_not_count_and_ties_break_by_name():
    answers = {"task_complexity": 1, "skill_scarcity": 1, "decision_authority": 1}
    matches = services_for(answers)
    # Call center differs only on customer contact, which was not answered.
    assert [(match.name, match.fit) for match in matches] == [
        ("Call center", 100),
        ("Data entry", 100),
        ("Payroll", 83),
    ]


def test_ties_on_name_break_by_slug():
    twin = ServiceCandidate("data-entry-b", "Data entry", ProcessType.BPO, DATA_ENTRY.profile)
    matches = services_for(ROUTINE, (twin, DATA_ENTRY))
    assert [match.slug for match in matches] == ["data-entry", "data-entry-b"]


def test_limit():
    assert len(services_for(ROUTINE, limit=1)) == 1


def test_service_match_explains_agreement():
    routine, call_center, payroll = services_for(ROUTINE)
    assert routine.text == "Its typical profile is close to every answer you gave."
    assert routine.differs == ()
    assert call_center.differs == (Factor.CUSTOMER_CONTACT,)
    assert call_center.text == (
        "Its typical profile is close on task complexity, skill scarcity, decision "
        "authority and 5 more; it differs on customer contact (you 1, typical 5)."
    )
    assert payroll.agrees == tuple(Factor)
    expert_only = services_for(EXPERT, (DATA_ENTRY,))
    assert expert_only == ()
    far = match_services(
        ROUTINE,
        score(ROUTINE),
        (ServiceCandidate("far", "Far", ProcessType.BPO, profile(5, 5, 5, 5, 5, 5, 5, 5, 1)),),
    )
    assert far[0].agrees == (Factor.CUSTOMER_CONTACT,)
    assert far[0].fit == 6
    only_differs = match_services(
        {"task_complexity": 1, "skill_scarcity": 1, "decision_authority": 1},
        score({"task_complexity": 1, "skill_scarcity": 1, "decision_authority": 1}),
        (ServiceCandidate("far", "Far", ProcessType.BPO, profile(4, 5, 3, 5, 5, 5, 5, 5, 1)),),
    )
    assert only_differs[0].text == (
        "Its typical profile differs on skill scarcity (you 1, typical 5), task complexity "
        "(you 1, typical 4) and decision authority (you 1, typical 3)."
    )


def test_service_match_to_dict():
    assert services_for(ROUTINE)[1].to_dict() == {
        "slug": "call-center",
        "name": "Call center",
        "id": 2,
        "process_type": "bpo",
        "fit": 94,
        "agrees": [factor.value for factor in Factor if factor is not Factor.CUSTOMER_CONTACT],
        "differs": ["customer_contact"],
        "text": services_for(ROUTINE)[1].text,
    }


def test_answers_must_match_the_result():
    with pytest.raises(ValueError, match="do not match"):
        match_services(ROUTINE, score(EXPERT | {"technology": None}), SERVICES)


def test_service_profiles_are_validated():
    with pytest.raises(ValueError, match="all nine factors"):
        ServiceCandidate(
            "x",
            "X",
            ProcessType.BPO,
            {"task_complexity": 1, "skill_scarcity": 1, "decision_authority": 1},
        )
    with pytest.raises(AnswerError):
        ServiceCandidate("x", "X", ProcessType.BPO, profile(1, 1, 1, 1, 1, 1, 1, 1, 9))
    with pytest.raises(ValueError):
        ServiceCandidate("x", "X", "outsourcing", profile(1, 1, 1, 1, 1, 1, 1, 1, 1))
    assert MARKET_RESEARCH.process_type is ProcessType.KPO
    assert hash(DATA_ENTRY) == hash(DATA_ENTRY)


# Vendors


def test_vendors_ranked_by_the_services_they_offer():
    matches = services_for(ROUTINE)
    vendors = [
        vendor("acme", {"data-entry"}, is_verified=True),
        vendor("bolt", ["data-entry", "call-center", "payroll"]),
        vendor("cobalt", {"market-research"}),
        vendor("delta", {"payroll"}),
    ]
    ranked = match_vendors(matches, vendors)
    assert [(match.slug, match.points, match.fit) for match in ranked] == [
        ("bolt", 78, 94),
        ("acme", 65, 78),
        ("delta", 53, 64),
    ]
    assert ranked[0].max_points == 83  # 60 + 9 + 9 for the three services, 5 for verified
    assert [str(item) for item in ranked[0].breakdown] == [
        "+60 offers Data entry (fit 100)",
        "+9 also offers Call center (fit 94)",
        "+9 also offers Payroll (fit 88)",
        "+0 not verified yet",
    ]
    assert ranked[0].services == ("data-entry", "call-center", "payroll")
    assert [str(item) for item in ranked[1].breakdown] == [
        "+60 offers Data entry (fit 100)",
        "+5 verified vendor",
    ]


def test_only_two_further_services_count():
    extra = ServiceCandidate("forms", "Form processing", ProcessType.BPO, DATA_ENTRY.profile)
    matches = services_for(ROUTINE, (*SERVICES, extra))
    offers_all = vendor("all", {"data-entry", "call-center", "payroll", "forms"})
    (match,) = match_vendors(matches, [offers_all])
    assert len(match.breakdown) == 4
    assert match.services == ("data-entry", "forms", "call-center", "payroll")


PREFERENCES = Preferences(
    countries={"PH", "IN"},
    languages={"en", "es"},
    certifications={"iso27001"},
    budget_max=30,
    needs_24_7=True,
)


def test_preferences_earn_visible_points():
    matches = services_for(ROUTINE)
    good = vendor(
        "good",
        {"data-entry"},
        countries={"PH", "PL"},
        languages={"en", "es", "tl"},
        certifications={"iso27001"},
        rate_min=12,
        rate_max=18.5,
        is_24_7=True,
        is_verified=True,
    )
    poor = vendor(
        "poor",
        {"data-entry"},
        countries={"US"},
        languages={"en"},
        rate_min=45,
        rate_max=60,
    )
    (first, second) = match_vendors(
        matches,
        [poor, good],
        PREFERENCES,
        country_names={"PH": "the Philippines"},
        language_names={"en": "English", "es": "Spanish"},
    )
    assert first.max_points == 83 + 10 + 10 + 10 + 10 + 5
    assert [str(item) for item in first.breakdown] == [
        "+60 offers Data entry (fit 100)",
        "+10 delivers from the Philippines (you asked for it)",
        "+10 works in English, Spanish (2 of 2 languages you asked for)",
        "+10 holds iso27001 (1 of 1 certifications you asked for)",
        "+10 rate $12-$18.50/h is within your $30 budget",
        "+5 covers 24/7, which you need",
        "+5 verified vendor",
    ]
    assert (first.points, first.fit) == (110, 86)
    assert [str(item) for item in second.breakdown] == [
        "+60 offers Data entry (fit 100)",
        "+0 does not deliver from any country you chose",
        "+5 works in English (1 of 2 languages you asked for)",
        "+0 holds none of the certifications you asked for",
        "-15 rate $45-$60/h is above your $30 budget",
        "-10 no 24/7 coverage, which you need",
        "+0 not verified yet",
    ]
    assert (second.points, second.fit) == (40, 31)


@pytest.mark.parametrize(
    ("rates", "points", "text"),
    [
        ((10, 30), 10, "rate $10-$30/h is within your $30 budget"),
        ((25, 25), 10, "rate $25/h is within your $30 budget"),
        ((20, 40), 5, "rate $20-$40/h is partly within your $30 budget"),
        ((30, 40), 5, "rate $30-$40/h is partly within your $30 budget"),
        ((31, 40), -15, "rate $31-$40/h is above your $30 budget"),
        ((None, None), 0, "publishes no hourly rate to compare with your budget"),
    ],
)
def test_budget_points(rates, points, text):
    offer = vendor("v", {"data-entry"}, rate_min=rates[0], rate_max=rates[1])
    (match,) = match_vendors(services_for(ROUTINE), [offer], Preferences(budget_max=30))
    assert FitItem(points, text) in match.breakdown


def test_fit_is_exactly_the_visible_points_normalised():
    matches = services_for({"task_complexity": 2, "skill_scarcity": 1, "decision_authority": 1})
    rng = random.Random(7)
    vendors = [random_vendor(rng, index) for index in range(300)]
    ranked = match_vendors(matches, vendors, PREFERENCES, limit=len(vendors))
    assert 50 < len(ranked) < 300
    for match in ranked:
        assert match.points == sum(item.points for item in match.breakdown)
        expected = round(100 * max(0, match.points) / match.max_points + 1e-9)
        assert match.fit == expected
        assert 0 <= match.fit <= 100
    keys = [(-match.fit, match.name, match.slug) for match in ranked]
    assert keys == sorted(keys)


def test_negative_points_give_fit_zero():
    weak = ServiceCandidate("weak", "Weak", ProcessType.BPO, profile(5, 5, 5, 5, 5, 5, 5, 5, 1))
    matches = services_for(ROUTINE, (weak,))
    assert matches[0].fit == 6
    offer = vendor("costly", {"weak"}, rate_min=90, rate_max=120)
    (match,) = match_vendors(matches, [offer], Preferences(budget_max=20, needs_24_7=True))
    assert match.points == 4 - 15 - 10
    assert match.fit == 0


def test_vendor_ties_break_by_name_then_slug():
    matches = services_for(ROUTINE)
    vendors = [
        vendor("b-2", {"data-entry"}, name="Same"),
        vendor("zulu", {"data-entry"}, name="Alpha"),
        vendor("b-1", {"data-entry"}, name="Same"),
    ]
    assert [match.slug for match in match_vendors(matches, vendors)] == ["zulu", "b-1", "b-2"]
    assert [match.slug for match in match_vendors(matches, reversed(vendors))] == [
        "zulu",
        "b-1",
        "b-2",
    ]


def test_no_service_matches_means_no_vendors():
    assert match_vendors((), [vendor("a", {"data-entry"})]) == ()


def test_repeated_service_match_counts_once():
    matches = services_for(ROUTINE)
    (match,) = match_vendors((*matches, *matches), [vendor("a", {"data-entry", "payroll"})])
    assert [str(item) for item in match.breakdown][:2] == [
        "+60 offers Data entry (fit 100)",
        "+9 also offers Payroll (fit 88)",
    ]
    assert match.max_points == 83


def test_vendor_match_to_dict():
    (match,) = match_vendors(
        services_for(ROUTINE), [vendor("acme", {"data-entry"}, is_verified=True, id=42)]
    )
    assert match.to_dict() == {
        "slug": "acme",
        "name": "Acme",
        "id": 42,
        "fit": 78,
        "points": 65,
        "max_points": 83,
        "breakdown": [
            {"points": 60, "text": "offers Data entry (fit 100)"},
            {"points": 5, "text": "verified vendor"},
        ],
        "services": ["data-entry"],
    }
    assert match.name == "Acme"


def test_vendor_and_preferences_validation():
    with pytest.raises(ValueError, match="both rate_min and rate_max"):
        vendor("x", {"a"}, rate_min=10)
    with pytest.raises(ValueError, match="rate_min <= rate_max"):
        vendor("x", {"a"}, rate_min=20, rate_max=10)
    with pytest.raises(ValueError, match="rate_min <= rate_max"):
        vendor("x", {"a"}, rate_min=-1, rate_max=10)
    with pytest.raises(ValueError, match="budget_max must be above 0"):
        Preferences(budget_max=0)
    assert vendor("x", ["a", "a"]).services == frozenset({"a"})
    assert Preferences(countries=["PH"]).countries == frozenset({"PH"})


def random_vendor(rng, index):
    low = rng.randint(5, 60)
    return VendorCandidate(
        slug=f"vendor-{index}",
        name=f"Vendor {index % 50}",
        services=frozenset(rng.sample([f"s{n}" for n in range(60)], rng.randint(3, 8)))
        | ({"data-entry", "payroll", "call-center"} if index % 3 == 0 else frozenset()),
        countries=frozenset(rng.sample(["PH", "IN", "PL", "MX", "US"], 2)),
        languages=frozenset(rng.sample(["en", "es", "fr", "tl"], 2)),
        certifications=frozenset(rng.sample(["iso27001", "iso9001", "pci"], rng.randint(0, 2))),
        rate_min=None if index % 11 == 0 else low,
        rate_max=None if index % 11 == 0 else low + rng.randint(0, 30),
        is_24_7=rng.random() < 0.3,
        is_verified=rng.random() < 0.5,
    )


def random_services(rng):
    return [
        ServiceCandidate(
            f"s{n}",
            f"Service {n}",
            ProcessType.BPO if n % 2 else ProcessType.KPO,
            {factor: rng.randint(1, 5) for factor in Factor},
        )
        for n in range(60)
    ]


def test_a_full_ranking_holds_each_vendor_offering_a_matched_service_once():
    rng = random.Random(3)
    services = random_services(rng)
    vendors = [random_vendor(rng, index) for index in range(1_000)]
    for _ in range(10):
        answers = {factor.value: rng.randint(1, 5) for factor in Factor if factor.required}
        matches = match_services(answers, score(answers), services)
        slugs = {match.slug for match in matches}
        ranked = match_vendors(matches, vendors, limit=len(vendors))
        assert sorted(match.slug for match in ranked) == sorted(
            vendor.slug for vendor in vendors if vendor.services & slugs
        )
        assert [match.fit for match in ranked] == sorted(
            (match.fit for match in ranked), reverse=True
        )


# The buyer's work: chosen services, must-haves


def test_chosen_services_keep_the_buyers_order_whatever_their_type():
    answers = {"task_complexity": 1, "skill_scarcity": 1, "decision_authority": 1}
    chosen = rate_services(answers, score(answers), [MARKET_RESEARCH, DATA_ENTRY])
    assert [(match.slug, match.fit) for match in chosen] == [
        ("market-research", 33),
        ("data-entry", 100),
    ]


def test_vendors_offering_more_chosen_services_come_first():
    chosen = rate_services(ROUTINE, score(ROUTINE), [DATA_ENTRY, MARKET_RESEARCH])
    vendors = [
        vendor("best-fit", {"data-entry"}, is_verified=True),
        vendor("both", {"data-entry", "market-research"}),
        vendor("neither", {"payroll"}),
    ]
    ranked = match_vendors(chosen, vendors, most_services_first=True)
    assert [match.slug for match in ranked] == ["both", "best-fit"]
    assert [match.slug for match in match_vendors(chosen, vendors)] == ["best-fit", "both"]


def test_a_sample_vendor_is_never_verified():
    sample = vendor("sample", {"data-entry"}, is_verified=True, is_sample=True)
    assert not sample.is_verified
    [match] = match_vendors(services_for(ROUTINE), [sample])
    assert str(match.breakdown[-1]) == "+0 not verified yet"


def test_a_vendor_missing_a_required_item_is_not_matched_and_says_what_it_misses():
    must = frozenset(Requirement)
    wanted = Preferences(
        countries={"PL", "RO"},
        languages={"en", "es"},
        certifications={"iso-27001", "soc-2"},
        budget_max=30,
        needs_24_7=True,
        must=must,
    )
    lacking = vendor(
        "lacking", {"data-entry"}, countries={"PH"}, languages={"en"}, rate_min=40, rate_max=50
    )
    unpriced = vendor(
        "unpriced",
        {"data-entry"},
        countries={"PL"},
        languages={"en", "es"},
        certifications={"iso-27001", "soc-2"},
        is_24_7=True,
    )
    fitting = vendor(
        "fitting",
        {"data-entry"},
        countries={"RO"},
        languages={"en", "es", "fr"},
        certifications={"iso-27001", "soc-2"},
        rate_min=20,
        rate_max=45,
        is_24_7=True,
    )
    matches = services_for(ROUTINE)
    ranked = match_vendors(matches, [lacking, unpriced, fitting], wanted)
    assert [match.slug for match in ranked] == ["fitting"]
    assert vendor_misses(
        lacking,
        wanted,
        country_names={"PL": "Poland", "RO": "Romania"},
        language_names={"es": "Spanish"},
        certification_names={"soc-2": "SOC 2"},
    ) == (
        "It does not deliver from Poland or Romania.",
        "It does not work in Spanish.",
        "It does not hold SOC 2 and iso-27001.",
        "Its rates start at $40/h, above your highest rate of $30/h.",
        "It does not cover 24/7.",
    )
    assert vendor_misses(unpriced, wanted) == (
        "It publishes no hourly rate to compare with your highest rate.",
    )
    assert vendor_misses(lacking, Preferences(must=must)) == ()


def test_a_points_plan_holds_what_each_matched_service_earns():
    matches = services_for(ROUTINE)
    plan = points_plan(matches, Preferences(languages={"en"}))
    assert plan.offers[:3] == (("data-entry", 60, 10), ("call-center", 56, 9), ("payroll", 53, 9))
    assert plan.max_points == 60 + 9 + 9 + 10 + 5
    assert points_plan((), Preferences()) is None


def test_preferences_refuse_an_unknown_requirement():
    with pytest.raises(ValueError):
        Preferences(must={"colour"})


def test_a_vendor_without_a_certification_the_data_needs_is_not_matched():
    needs = Preferences(required_certifications=(frozenset({"iso-27001", "soc-2"}), {"pci-dss"}))
    holder = VendorCandidate("a", "A", {"x"}, certifications={"soc-2", "pci-dss"})
    lacking = VendorCandidate("b", "B", {"x"}, certifications={"iso-27001"})
    assert vendor_misses(holder, needs) == ()
    assert vendor_misses(lacking, needs, certification_names={"pci-dss": "PCI DSS"}) == (
        "It does not hold PCI DSS, which the work's data needs.",
    )
    assert vendor_misses(VendorCandidate("c", "C", {"x"}), needs)[0] == (
        "It does not hold iso-27001 or soc-2, which the work's data needs."
    )

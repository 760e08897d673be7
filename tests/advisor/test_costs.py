from datetime import date

import pytest

from advisor.engine.costs import (
    CostAssumptions,
    CountryCosts,
    Exchange,
    Rate,
    best_countries,
    estimate_costs,
)

TODAY = date(2026, 12, 2)
PH = Rate("PH", "Philippines", 12, 18, "A survey", "https://example.com/ph", date(2025, 1, 1))
MX = Rate("MX", "Mexico", 28, 35, "A survey", "https://example.com/mx", date(2026, 6, 1))
IN = Rate("IN", "India", 12, 18, "A survey", "https://example.com/in", date(2025, 1, 1))
US = Rate("US", "United States", 45, 60, "A survey", "https://example.com/us", date(2025, 1, 1))
PH_COSTS = CountryCosts("PH", 0.31, 0.36, "a 2022 survey", 0.03, 0.09, "holiday premiums.")


def estimate(options=(PH,), onshore=US, hours=None, needs_24_7=False, exchange=None):
    return estimate_costs(
        options,
        onshore,
        hours_per_week=hours,
        needs_24_7=needs_24_7,
        countries={"PH": PH_COSTS},
        assumptions=CostAssumptions(),
        exchange=exchange or Exchange(),
        today=TODAY,
    ).to_dict()


def lines(option) -> dict[str, tuple[int, int]]:
    return {
        line["name"]: (line["monthly_low"], line["monthly_high"]) for line in option["hidden_costs"]
    }


def test_a_full_time_seat_in_the_philippines_against_the_us():
    cost = estimate()
    (ph,) = cost["options"]
    # 40 hours a week is 173.3 hours a month.
    assert (ph["billed_low"], ph["billed_high"]) == (2080, 3120)
    assert lines(ph) == {
        "Transition and knowledge transfer": (260, 780),
        "Your own management time": (200, 1300),
        "Staff turnover and retraining": (20, 130),
        "Statutory extras": (60, 280),
    }
    assert (ph["monthly_low"], ph["monthly_high"]) == (2620, 5610)
    assert (ph["first_year_low"], ph["first_year_high"]) == (31470, 67320)
    assert (cost["onshore"]["monthly_low"], cost["onshore"]["monthly_high"]) == (7800, 10400)
    # The least saved is the dearest option against the cheapest onshore.
    assert (ph["savings_percent_low"], ph["savings_percent_high"]) == (28, 75)
    assert (cost["savings_percent_low"], cost["savings_percent_high"]) == (28, 75)
    assert cost["hours_assumed"] is True
    assert ph["stale"] is True
    assert ph["as_of"] == "2025-01-01"
    assert cost["hidden_costs"][0]["basis"].startswith("3 to 6 months of handover")


def test_round_the_clock_cover_is_its_own_line_onshore_too():
    cost = estimate(needs_24_7=True, hours=40)
    (ph,) = cost["options"]
    assert lines(ph)["Round-the-clock cover"] == (6660, 9980)
    assert "4.2 full-time people" in ph["hidden_costs"][0]["basis"]
    assert lines(cost["onshore"]) == {"Round-the-clock cover": (24960, 33280)}
    # Work that fills the week needs no extra cover.
    assert "Round-the-clock cover" not in lines(estimate(needs_24_7=True, hours=200)["options"][0])


def test_a_country_without_figures_takes_the_assumed_turnover_and_no_statutory_line():
    cost = estimate(options=(MX,))
    (mx,) = cost["options"]
    assert "Statutory extras" not in lines(mx)
    turnover = next(x for x in mx["hidden_costs"] if x["name"] == "Staff turnover and retraining")
    assert turnover["basis"].startswith("21% of staff leave each year (the global")
    assert mx["stale"] is False


def test_without_onshore_there_are_no_savings_and_no_management_at_onshore_rates():
    cost = estimate(onshore=None)
    assert cost["onshore"] is None
    assert "Your own management time" not in lines(cost["options"][0])
    assert (cost["savings_percent_low"], cost["savings_percent_high"]) == (None, None)
    assert cost["first_year_low"] == cost["options"][0]["first_year_low"]


def test_only_onshore_gives_no_range_of_options():
    cost = estimate(options=())
    assert cost["options"] == [] and cost["hidden_costs"] == []
    assert (cost["first_year_low"], cost["first_year_high"]) == (None, None)


def test_costs_are_shown_in_the_buyers_currency_rounded():
    euro = Exchange("EUR", 0.86, date(2025, 10, 1), "A bank")
    cost = estimate(exchange=euro)
    (ph,) = cost["options"]
    assert cost["currency"] == "EUR"
    assert cost["exchange"] == {"per_usd": 0.86, "as_of": "2025-10-01", "source": "A bank"}
    assert (ph["hourly_low"], ph["hourly_high"]) == (10, 15)
    assert ph["billed_low"] == 1790
    assert estimate()["exchange"]["as_of"] is None


def test_the_range_across_options_spans_each_hidden_cost():
    cost = estimate(options=(PH, MX))
    by_name = {line["name"]: line for line in cost["hidden_costs"]}
    ph, mx = (lines(option) for option in cost["options"])
    transition = by_name["Transition and knowledge transfer"]
    assert transition["monthly_low"] == min(
        ph["Transition and knowledge transfer"][0], mx["Transition and knowledge transfer"][0]
    )
    assert transition["monthly_high"] == max(
        ph["Transition and knowledge transfer"][1], mx["Transition and knowledge transfer"][1]
    )
    assert cost["first_year_high"] == cost["options"][1]["first_year_high"]


def test_a_rate_must_be_a_positive_range():
    with pytest.raises(ValueError, match="need 0 < low <= high"):
        Rate("PH", "Philippines", 18, 12, "", "", TODAY)


def test_best_countries_prefer_the_buyers_then_the_vendors_then_the_cheapest():
    rates = [US, MX, PH, IN]
    chosen = best_countries(rates, buyer_country="US", preferred=frozenset(), vendor_countries=[])
    assert [rate.country for rate in chosen] == ["IN", "PH", "MX"]
    chosen = best_countries(
        rates, buyer_country="US", preferred=frozenset({"MX"}), vendor_countries=["PH", "PH", "IN"]
    )
    assert [rate.country for rate in chosen] == ["MX", "PH", "IN"]
    # A tie goes to the country of the better-ranked vendor.
    chosen = best_countries(
        rates, buyer_country="US", preferred=frozenset(), vendor_countries=["MX", "PH", "IN"]
    )
    assert [rate.country for rate in chosen] == ["MX", "PH", "IN"]
    assert best_countries(
        rates, buyer_country="US", preferred=frozenset(), vendor_countries=[], limit=1
    ) == (IN,)

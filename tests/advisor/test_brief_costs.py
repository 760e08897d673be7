"""The brief a buyer can act on: what the work costs, what it must comply with, and a
summary a boss reads in a minute, on the page and in a PDF of at most two pages."""

import io
import os
from datetime import date

import pypdf
import pytest

from advisor.engine import Factor, Task
from advisor.models import Recommendation
from advisor.presenters import savings_text
from advisor.services import recommendation_create
from outsourcing.models import ExchangeRate, RateCard, Vendor

pytestmark = pytest.mark.django_db

try:
    import weasyprint  # noqa: F401  (loads Pango)
except OSError:
    PANGO = False
else:
    PANGO = True
needs_pango = pytest.mark.skipif(
    not PANGO and not os.environ.get("CI"),
    reason="PDF tests skipped: install the Debian packages libpango-1.0-0 libpangoft2-1.0-0",
)

ROUTINE = dict.fromkeys(Factor, 2) | {Factor.CUSTOMER_CONTACT: 5}
EXPERT = dict.fromkeys(Factor, 4) | {Factor.CUSTOMER_CONTACT: 1, Factor.CORE_PROXIMITY: 3}
SUPPORT = Task(
    "Customer support by phone and chat",
    "Round-the-clock support for our shop in English and Spanish, taking card payments.",
    ("call-center", "live-chat-support"),
)
SUPPORT_PREFERENCES = {
    "languages": ["en", "es"],
    "needs_24_7": True,
    "must": ["languages", "needs_24_7"],
    "buyer_country": "US",
    "data_sensitivity": ["payment_cards", "personal"],
    "hours_per_week": 80,
}


def support_brief(**preferences) -> Recommendation:
    return recommendation_create(
        task=SUPPORT, answers=ROUTINE, preferences=SUPPORT_PREFERENCES | preferences
    )


def research_brief(**preferences) -> Recommendation:
    return recommendation_create(
        task=Task("Market research for a new product line", services=("market-research",)),
        answers=EXPERT,
        preferences={"buyer_country": "DE", "data_sensitivity": ["personal"]} | preferences,
    )


def test_support_for_a_us_buyer_taking_cards_is_costed_against_us_onshore(shipped_catalog):
    cost = support_brief().guidance["cost"]
    countries = [option["country"] for option in cost["options"]]
    assert "PH" in countries and len(countries) == 3
    assert cost["onshore"]["country"] == "US"
    assert cost["currency"] == "USD" and cost["hours_per_week"] == 80
    names = [line["name"] for line in cost["hidden_costs"]]
    assert names[:2] == ["Round-the-clock cover", "Transition and knowledge transfer"]
    assert "Statutory extras" in names  # the Philippines' holiday premiums
    for option in cost["options"]:
        assert option["monthly_low"] < option["monthly_high"]
        assert option["source_url"].startswith("https://")
        assert option["as_of"]
    assert cost["savings_percent_low"] < cost["savings_percent_high"]


def test_card_payments_require_pci_dss_and_only_holders_are_matched(shipped_catalog):
    brief = support_brief()
    required = {c["code"]: c for c in brief.guidance["certifications_required"]}
    assert list(required) == ["pci-dss", "iso-27001", "copc"]
    assert required["pci-dss"]["must"] and not required["copc"]["must"]
    assert brief.vendors
    for entry in brief.vendors:
        vendor = Vendor.objects.get(slug=entry["slug"])
        assert vendor.certifications.filter(code="pci-dss").exists()
        assert entry["contact_email"].endswith(".example")
        assert entry["monthly_low"] < entry["monthly_high"]
    kpis = [kpi["name"] for kpi in brief.guidance["kpis"]]
    assert "Service level" in kpis and "First-contact resolution" in kpis


def test_a_vendor_without_the_required_certification_is_only_close_unless_turned_off(
    shipped_catalog,
):
    sierra = Vendor.objects.get(slug="sierra-madre-contact-center")
    sierra.certifications.remove(sierra.certifications.get(code="pci-dss"))
    filtered = support_brief()
    assert sierra.slug not in [entry["slug"] for entry in filtered.vendors]
    (close,) = [entry for entry in filtered.close_vendors if entry["slug"] == sierra.slug]
    assert close["misses"] == ["It does not hold PCI DSS, which the work's data needs."]
    unfiltered = support_brief(require_certifications=False)
    assert sierra.slug in [entry["slug"] for entry in unfiltered.vendors]


def test_research_for_a_buyer_in_germany_requires_gdpr_and_knowledge_kpis(shipped_catalog):
    brief = research_brief()
    codes = [c["code"] for c in brief.guidance["certifications_required"]]
    assert codes == ["gdpr-ready", "iso-27001"]
    assert [kpi["name"] for kpi in brief.guidance["kpis"]][:2] == [
        "Expert review pass rate",
        "Rework rate",
    ]
    # The catalog keeps no rates for research, so the brief gives no range.
    assert brief.guidance["cost"] is None


def test_costs_come_in_the_buyers_currency(shipped_catalog):
    euro = ExchangeRate.objects.get(currency="EUR")
    dollars = support_brief().guidance["cost"]
    euros = support_brief(currency="EUR").guidance["cost"]
    assert euros["currency"] == "EUR"
    assert euros["exchange"]["as_of"] == euro.as_of.isoformat()
    ratio = euros["onshore"]["monthly_low"] / dollars["onshore"]["monthly_low"]
    assert ratio == pytest.approx(float(euro.per_usd), abs=0.01)


@pytest.mark.parametrize(
    ("preferences", "message"),
    [
        ({"currency": "XYZ"}, "“XYZ” is not a currency we keep a rate for"),
        ({"data_sensitivity": ["secrets"]}, "“secrets” is not a kind of data we know"),
        ({"hours_per_week": 0}, "hours_per_week must be a whole number from 1 to 2,000"),
        ({"hours_per_week": 2001}, "hours_per_week must be a whole number"),
        ({"hours_per_week": "40"}, "hours_per_week must be a whole number"),
    ],
)
def test_bad_cost_inputs_are_refused_and_save_nothing(shipped_catalog, preferences, message):
    with pytest.raises(ValueError, match=message):
        support_brief(**preferences)
    assert not Recommendation.objects.exists()


def test_an_edited_rate_reaches_new_briefs_and_leaves_saved_ones_alone(shipped_catalog):
    before = support_brief()
    RateCard.objects.filter(country="PH", category__slug="customer-contact").update(
        hourly_low=20, hourly_high=25, as_of=date(2026, 11, 1)
    )
    after = support_brief()

    def philippines(brief):
        return next(o for o in brief.guidance["cost"]["options"] if o["country"] == "PH")

    assert (philippines(after)["hourly_low"], philippines(after)["stale"]) == (20, False)
    before.refresh_from_db()
    assert (philippines(before)["hourly_low"], philippines(before)["stale"]) == (12, True)


def test_the_page_opens_with_the_summary_then_costs_and_compliance(client, shipped_catalog):
    brief = support_brief()
    page = client.get(brief.get_absolute_url()).text
    summary = page.index("In a minute")
    assert summary < page.index("What it will cost") < page.index("What it must comply with")
    assert page.index("What it must comply with") < page.index("Who can do the work")
    assert "Round-the-clock cover" in page and "Philippines" in page
    assert "(more than a year old)" in page
    assert "Ask for a proposal" in page
    assert "Send them the request for proposal, asking for evidence of PCI DSS" in page


def test_a_brief_without_rates_says_so(client, shipped_catalog):
    page = client.get(research_brief().get_absolute_url()).text
    assert "The catalog has no rates for this kind of work yet" in page
    assert "GDPR data processing agreement" in page


@needs_pango
@pytest.mark.parametrize(
    ("make", "size"), [(support_brief, (612, 792)), (research_brief, (595, 842))]
)
def test_the_pdf_is_two_tagged_pages_on_the_buyers_paper(client, shipped_catalog, make, size):
    brief = make()
    response = client.get(f"/r/{brief.token}/pdf/")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) <= 2
    assert "In a minute" in reader.pages[0].extract_text()
    box = reader.pages[0].mediabox
    assert (round(box.width), round(box.height)) == size
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_savings_are_said_as_a_range_and_a_loss_as_one():
    assert savings_text(28, 75) == "28% to 75% less"
    assert savings_text(-16, 45) == "from 16% more to 45% less"
    assert savings_text(-30, -10) == "costs 10% to 30% more"
    assert savings_text(-10, -10) == "costs 10% more"
    assert savings_text(20, 20) == "20% less"
    assert savings_text(None, 20) == ""

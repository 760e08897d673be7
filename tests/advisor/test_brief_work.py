"""The brief says what work it is about, in plain words, from snapshots of the shape the
backend saves (written by hand here) and from older snapshots without those keys."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from advisor import services
from advisor.engine import Factor, Task
from advisor.presenters import RecommendationPage, overlap_text
from tests.factories import CertificationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

VENDOR = {
    "slug": "cebu-care",
    "name": "Cebu Care",
    "id": 7,
    "fit": 90,
    "points": 94,
    "max_points": 104,
    "breakdown": [{"points": 60, "text": "Offers Email support (fit 92)."}],
    "services": ["email-support"],
    "offers": ["email-support", "live-chat"],
    "offers_names": ["Email support", "Live chat"],
    "sample": True,
    "verified": True,
    "delivery_countries": ["PH"],
    "delivery_country_names": ["Philippines"],
    "timezone": "Asia/Manila",
    "overlap_hours": 2,
    "meets_must_haves": True,
    "misses": [],
    "hourly_rate_min": 12,
    "hourly_rate_max": 20,
}
CLOSE = {
    **VENDOR,
    "slug": "lima-voice",
    "name": "Lima Voice",
    "sample": False,
    "verified": False,
    "meets_must_haves": False,
    "misses": ["Does not speak Spanish."],
}


@pytest.fixture
def work_brief():
    """A brief about named work, with the snapshot keys of issue 12."""
    ServiceFactory(name="Email support", slug="email-support")
    ServiceFactory(name="Live chat", slug="live-chat")
    ServiceFactory(name="Telemarketing", slug="telemarketing")
    ServiceFactory(name="Data entry", slug="data-entry")
    answers = {Factor.TASK_COMPLEXITY: 2, Factor.SKILL_SCARCITY: 2, Factor.DECISION_AUTHORITY: 2}
    recommendation = services.recommendation_create(
        task=Task("Customer email and chat support"),
        answers=answers,
        preferences={
            "languages": ["en", "es"],
            "needs_24_7": True,
            "buyer_timezone": "America/Chicago",
            "must": ["languages", "needs_24_7"],
        },
    )
    first = recommendation.services[0]
    recommendation.services = [
        {**first, "slug": "email-support", "name": "Email support", "chosen": True},
        {**first, "slug": "data-entry", "name": "Data entry", "chosen": False},
    ]
    recommendation.vendors = [VENDOR]
    recommendation.preference_names = {"languages": {"en": "English", "es": "Spanish"}}
    recommendation.task_name = "Customer email and chat support"
    recommendation.task_description = "Replies to customers in English and Spanish."
    recommendation.task_services = [
        {"slug": "email-support", "name": "Email support"},
        {"slug": "live-chat", "name": "Live chat"},
    ]
    recommendation.close_vendors = [CLOSE]
    return recommendation


def brief_html(recommendation, template="advisor/recommendation_detail.html"):
    request = RequestFactory().get("/")
    page = RecommendationPage(recommendation, request)
    return page, render_to_string(template, {"page": page}, request)


def test_the_brief_carries_the_work_name_description_and_chosen_services(work_brief):
    page, html = brief_html(work_brief)
    assert page.title == "Customer email and chat support: BPO outsourcing recommended"
    assert f"<title>{page.title} · Outsourcing Advisor</title>" in html
    assert '<h1 class="brief-title">Customer email and chat support</h1>' in html
    assert "Replies to customers in English and Spanish." in html
    assert 'href="/services/live-chat/">Live chat</a>' in html
    # A screen reader hears the chosen services apart.
    assert '</a><span class="visually-hidden">, </span><a class="service-chip"' in html
    assert page.pdf_filename.startswith("customer-email-and-chat-support-bpo-")


def test_chosen_and_related_services_are_shown_apart(work_brief):
    page, html = brief_html(work_brief)
    assert [service["slug"] for service in page.chosen_services] == ["email-support"]
    assert [service["slug"] for service in page.related_services] == ["data-entry"]
    assert html.index("The services you chose") < html.index("Related services")


def test_a_vendor_shows_where_and_when_it_works_and_a_sample_is_never_verified(work_brief):
    page, html = brief_html(work_brief)
    vendor = page.vendors[0]
    assert (vendor["sample"], vendor["verified"]) == (True, False)
    assert "Sample (fictional)" in html
    assert "Verified" not in html
    assert "Offers Email support, Live chat" in html
    assert "Delivers from Philippines" in html
    assert "Works on Asia/Manila time · shares 2 of your 8 working hours" in html
    assert "9:00 to 17:00 America/Chicago time" in html
    assert "$12–20 per hour" in html
    # The points stay one click away, after the plain facts.
    assert html.index("Delivers from Philippines") < html.index("94 of the 104 points")
    assert "<summary>How the fit of 90 was worked out</summary>" in html


def test_close_vendors_say_what_they_miss(work_brief):
    _, html = brief_html(work_brief)
    assert "Close, but missing something you require" in html
    assert "Lima Voice" in html
    assert "Does not speak Spanish." in html


def test_required_and_preferred_items_are_named(work_brief):
    page, html = brief_html(work_brief)
    assert page.preferences[0] == {
        "label": "Languages",
        "value": "English and Spanish",
        "required": True,
        "details": [],
    }
    assert 'English and Spanish <span class="text-muted-ink">· required</span>' in html


def test_certifications_get_their_plain_meaning(db):
    CertificationFactory(code="iso-27001", name="ISO 27001", description="Audited security.")
    answers = {Factor.TASK_COMPLEXITY: 2, Factor.SKILL_SCARCITY: 2, Factor.DECISION_AUTHORITY: 2}
    saved = services.recommendation_create(
        task=Task("Security review"), answers=answers, preferences={"certifications": ["iso-27001"]}
    )
    page, html = brief_html(saved)
    assert page.preferences[0]["details"] == [("ISO 27001", "Audited security.")]
    assert "ISO 27001: Audited security." in html


def test_the_confidence_is_said_once(work_brief):
    page, html = brief_html(work_brief)
    assert "confidence:" not in html.lower()
    assert f"How sure: {page.result.confidence.level.label.lower()}." in html


def test_an_old_snapshot_still_renders_as_it_was(work_brief):
    old = work_brief
    # Rows saved before issue 12 have these empty.
    old.task_name, old.task_description, old.task_services, old.close_vendors = "", "", [], []
    old.vendors = [{key: VENDOR[key] for key in ["slug", "name", "fit", "points", "max_points"]}]
    old.vendors[0]["breakdown"] = VENDOR["breakdown"]
    old.services = [{key: value for key, value in old.services[0].items() if key != "chosen"}]
    old.result = {
        **old.result,
        "confidence": {**old.result["confidence"], "text": "Medium confidence: it is so."},
    }
    page, html = brief_html(old)
    assert page.title == "BPO outsourcing recommended"
    assert page.pdf_filename.startswith("outsourcing-recommendation-bpo-")
    assert page.confidence_text == "It is so."
    assert "The services you chose" not in html
    assert "Related services" not in html
    brief = html.split("<main", 1)[1].split("</main>", 1)[0]  # the footer explains samples
    assert "Sample (fictional)" not in brief
    assert "Cebu Care" in brief
    _, pdf_html = brief_html(old, "advisor/recommendation_pdf.html")
    assert "<h1>BPO outsourcing recommended</h1>" in pdf_html


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0, "no working hours in common with yours"),
        (3, "shares 3 of your 8 working hours"),
        (8, "covers all of your working hours"),
        (None, ""),
    ],
)
def test_shared_hours_read_as_words(hours, text):
    assert overlap_text(hours) == text

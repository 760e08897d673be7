"""Shortlist and compare: two to four of a brief's vendors side by side, from its
snapshot alone, with the choice held in the URL."""

import html

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from advisor.models import Recommendation
from advisor.presenters import RecommendationPage
from tests.helpers import saved_brief, vendor_snapshot

PCI = {
    "code": "pci-dss",
    "name": "PCI DSS",
    "why": "The work touches payment cards.",
    "ask": "The attestation of compliance and its scope.",
    "must": True,
    "any_of": ["pci-dss"],
}


@pytest.fixture
def brief(db):
    """A support brief in US dollars needing PCI DSS, with three vendors: one holds it,
    one is a sample vendor without it, one does not offer the chosen service."""
    return saved_brief(
        preferences={"currency": "USD", "buyer_timezone": "America/New_York"},
        guidance={
            "certifications_required": [PCI],
            "cost": {"currency": "USD", "hours_per_week": 40, "hours_assumed": True},
        },
        vendors=[
            vendor_snapshot(
                "manila-care",
                name="Manila Care",
                certifications=["pci-dss", "iso-27001"],
                certification_names=["PCI DSS", "ISO 27001"],
                overlap_hours=8,
                minimum_engagement=5000,
                language_names=["English", "Spanish"],
            ),
            vendor_snapshot(
                "bogota-help",
                name="Bogotá Help",
                sample=True,
                verified=False,
                delivery_country_names=["Colombia"],
                timezone="America/Bogota",
                overlap_hours=7,
                monthly_low=2500,
                monthly_high=3900,
            ),
            vendor_snapshot(
                "cape-desk",
                name="Cape Desk",
                offers=[],
                offers_names=[],
                hourly_rate_min=None,
                hourly_rate_max=None,
                monthly_low=None,
                monthly_high=None,
            ),
        ],
    )


def compare_url(recommendation: Recommendation) -> str:
    return reverse("advisor:recommendation_compare", args=[recommendation.token])


def cells(content: str, label: str) -> str:
    """The table row whose header begins with `label`, as text."""
    start = content.index(f'<th scope="row">{label}')
    return html.unescape(content[start : content.index("</tr>", start)])


def test_the_url_is_the_public_contract():
    token = "a" * 24
    assert reverse("advisor:recommendation_compare", args=[token]) == f"/r/{token}/compare/"


def test_two_vendors_side_by_side_from_the_snapshot(client, brief):
    response = client.get(compare_url(brief), {"vendors": "manila-care,bogota-help"})
    assert response.status_code == 200
    content = response.text
    head = content[content.index("<thead>") : content.index("</thead>")]
    assert head.index("Manila Care") < head.index("Bogotá Help")
    assert "Cape Desk" not in head
    assert "Philippines" in cells(content, "Delivers from")
    assert "Colombia" in cells(content, "Delivers from")
    working = cells(content, "Working time")
    assert "America/New_York time" in working
    assert "Asia/Manila time · covers all of your working hours" in working
    assert "America/Bogota time · shares 7 of your 8 working hours" in working
    assert "$8–12 per hour" in cells(content, "Hourly rate")
    monthly = cells(content, "Estimated monthly cost")
    assert "At 40 hours a week (assumed)" in monthly
    assert "$1,400–2,100 a month" in monthly
    assert "$2,500–3,900 a month" in monthly
    assert "English, Spanish" in cells(content, "Languages")
    assert "PCI DSS, ISO 27001" in cells(content, "Certifications held")
    required = cells(content, "PCI DSS")
    assert "Required" in required
    assert required.index("Has it") < required.index("Missing")
    assert "$5,000" in cells(content, "Minimum engagement")
    assert "Offers it" in cells(content, "Email support")
    listing = cells(content, "Listing")
    assert listing.index("Verified") < listing.index("Sample vendor (fictional)")
    assert 'class="badge badge-sample">Sample (fictional)' in content


def test_a_vendor_that_lacks_a_chosen_service_rate_or_estimate_says_so(client, brief):
    response = client.get(compare_url(brief), {"vendors": "manila-care,cape-desk"})
    content = response.text
    assert "No" in cells(content, "Email support").split("Offers it")[1]
    assert "Not published" in cells(content, "Hourly rate")
    assert "No estimate" in cells(content, "Estimated monthly cost")


@pytest.mark.parametrize(
    "query",
    [
        {"vendors": "manila-care,bogota-help,cape-desk"},
        {"vendors": ["manila-care", "bogota-help", "cape-desk"]},
        {"vendors": ["manila-care,bogota-help", " cape-desk "]},
    ],
)
def test_vendors_may_come_comma_separated_or_repeated(client, brief, query):
    response = client.get(compare_url(brief), query)
    assert response.status_code == 200
    assert [vendor["slug"] for vendor in response.context["comparison"].vendors] == [
        "manila-care",
        "bogota-help",
        "cape-desk",
    ]


def test_the_page_is_private_to_its_link_and_saves_nothing(
    client, brief, django_assert_num_queries
):
    with django_assert_num_queries(2):
        response = client.get(compare_url(brief), {"vendors": "manila-care,bogota-help"})
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private"
    assert Recommendation.objects.count() == 1


@pytest.mark.parametrize("vendors", ["manila-care,bogota-help", "manila-care"])
def test_the_page_and_its_refusal_keep_to_the_strict_policy(client, brief, vendors):
    response = client.get(compare_url(brief), {"vendors": vendors})
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in response.text
    assert "<script>" not in response.text


def test_the_page_answers_htmx_and_head_and_refuses_post(client, brief, htmx_headers):
    query = "?vendors=manila-care,bogota-help"
    assert client.get(compare_url(brief) + query, headers=htmx_headers).status_code == 200
    assert client.head(compare_url(brief) + query).status_code == 200
    assert client.post(compare_url(brief) + query).status_code == 405


def test_the_page_prints_with_a_link_to_the_brief(client, brief):
    content = client.get(compare_url(brief), {"vendors": "manila-care,bogota-help"}).text
    assert f'<p class="print-only small">Link to the brief: http://testserver/r/{brief.token}/' in (
        content
    )
    assert '<tr class="no-print">' in content


@pytest.mark.parametrize(
    ("query", "message", "kept"),
    [
        ({}, "Pick two to four vendors to compare.", []),
        ({"vendors": ""}, "Pick two to four vendors to compare.", []),
        ({"vendors": "manila-care"}, "Pick at least two vendors to compare", ["manila-care"]),
        (
            {"vendors": "manila-care,bogota-help,cape-desk,a,b"},
            "This brief lists no vendor “a”.",
            ["manila-care", "bogota-help", "cape-desk"],
        ),
        (
            {"vendors": "manila-care,nobody"},
            "This brief lists no vendor “nobody”.",
            ["manila-care"],
        ),
        (
            {"vendors": ["manila-care", "manila-care"]},
            "Manila Care is picked more than once.",
            ["manila-care"],
        ),
        ({"vendors": "x" * 600}, "That list of vendors is too long.", []),
    ],
)
def test_a_choice_that_cannot_be_compared_is_refused_and_kept(client, brief, query, message, kept):
    response = client.get(compare_url(brief), query)
    assert response.status_code == 400
    content = html.unescape(response.text)
    assert message in content
    assert f'href="{brief.get_absolute_url()}">Back to the brief' in content
    assert "<table" not in content
    for slug in ["manila-care", "bogota-help", "cape-desk"]:
        checked = f'value="{slug}" id="shortlist-{slug}" checked' in content
        assert checked is (slug in kept)
    assert response["X-Robots-Tag"] == "noindex"


def test_more_than_four_vendors_are_refused(client, db):
    vendors = [vendor_snapshot(f"vendor-{n}") for n in range(5)]
    recommendation = saved_brief(vendors=vendors)
    response = client.get(compare_url(recommendation), {"vendors": [v["slug"] for v in vendors]})
    assert response.status_code == 400
    assert "Pick at most four vendors to compare: 5 are picked." in response.text


def test_an_unknown_or_deleted_link_is_not_found(client, brief):
    assert client.get(f"/r/{'z' * 24}/compare/", {"vendors": "a,b"}).status_code == 404
    url = compare_url(brief)
    brief.delete()
    assert client.get(url, {"vendors": "manila-care,bogota-help"}).status_code == 404


def test_a_brief_saved_before_the_new_facts_compares_what_it_has(client, db):
    old_keys = ["languages", "language_names", "certifications", "certification_names"]
    old = [
        {
            key: value
            for key, value in vendor_snapshot(slug).items()
            if key not in [*old_keys, "minimum_engagement", "monthly_low", "monthly_high"]
            and not key.startswith("contact_")
        }
        for slug in ["first-vendor", "second-vendor"]
    ]
    recommendation = saved_brief(vendors=old, guidance={}, preferences={})
    response = client.get(compare_url(recommendation), {"vendors": "first-vendor,second-vendor"})
    assert response.status_code == 200
    assert "Not recorded in this brief" in cells(response.text, "Languages")
    assert "Not recorded in this brief" in cells(response.text, "Estimated monthly cost")
    assert "Ask for a proposal" not in response.text


def test_the_brief_form_picks_vendors_for_the_comparison(client, brief, rf):
    page = RecommendationPage(brief, rf.get("/"))
    form = render_to_string("components/_brief_shortlist.html", {"page": page})
    assert f'action="{compare_url(brief)}"' in form
    assert 'method="get"' in form
    for slug in ["manila-care", "bogota-help", "cape-desk"]:
        assert f'name="vendors" value="{slug}"' in form
    assert " checked" not in form
    # What the browser sends when two boxes are ticked.
    response = client.get(compare_url(brief), {"vendors": ["cape-desk", "manila-care"]})
    assert response.status_code == 200


def test_the_brief_form_is_left_out_with_fewer_than_two_vendors_or_in_the_pdf(brief, rf, db):
    single = RecommendationPage(saved_brief(vendors=[vendor_snapshot("only-one")]), rf.get("/"))
    assert "<form" not in render_to_string("components/_brief_shortlist.html", {"page": single})
    page = RecommendationPage(brief, rf.get("/"))
    assert "<form" not in render_to_string(
        "components/_brief_shortlist.html", {"page": page, "pdf": True}
    )


pytestmark = pytest.mark.django_db

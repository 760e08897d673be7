"""The request for proposal: a Word file the buyer edits and sends, and the same
content as a printable page, both from the brief's snapshot alone."""

import html
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE

from advisor.models import Recommendation
from advisor.rfp import rfp_content
from tests.helpers import saved_brief

PCI = {
    "code": "pci-dss",
    "name": "PCI DSS",
    "why": "The work takes card payments.",
    "ask": "Ask for the attestation of compliance and check its scope covers this work.",
    "must": True,
    "any_of": ["pci-dss"],
}
KPIS = [
    {
        "name": "Service level",
        "target": "80% of contacts answered within 20 seconds",
        "why": "Customers wait less.",
    },
    {"name": "First-contact resolution", "target": "70% or more", "why": "Fewer repeat calls."},
]


@pytest.fixture
def brief(db):
    """A 24/7 support brief for card payments, in English and Spanish."""
    return saved_brief(
        task_name="Customer email & chat support",
        preferences={
            "hours_per_week": 120,
            "needs_24_7": True,
            "data_sensitivity": ["payment_cards", "personal"],
            "currency": "EUR",
            "require_certifications": True,
            "languages": ["en", "es"],
        },
        preference_names={"languages": {"en": "English", "es": "Spanish"}},
        guidance={"kpis": KPIS, "certifications_required": [PCI]},
    )


def docx_url(recommendation: Recommendation) -> str:
    return reverse("advisor:recommendation_rfp_docx", args=[recommendation.token])


def page_url(recommendation: Recommendation) -> str:
    return reverse("advisor:recommendation_rfp", args=[recommendation.token])


def word_text(content: bytes) -> str:
    """Every paragraph and table cell of a Word file, one a line."""
    document = Document(io.BytesIO(content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


def test_the_urls_are_the_public_contract():
    token = "a" * 24
    assert reverse("advisor:recommendation_rfp", args=[token]) == f"/r/{token}/rfp/"
    assert reverse("advisor:recommendation_rfp_docx", args=[token]) == f"/r/{token}/rfp.docx"


def test_the_word_file_downloads_named_after_the_work(client, brief):
    response = client.get(docx_url(brief))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="rfp-customer-email-chat-support.docx"'
    )
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private"


def test_the_word_file_asks_what_a_vendor_must_answer(client, brief):
    document = Document(io.BytesIO(client.get(docx_url(brief)).content))
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "Request for proposal: Customer email & chat support"
    assert document.core_properties.title == document.paragraphs[0].text
    assert document.core_properties.author == ""
    text = word_text(client.get(docx_url(brief)).content)
    for expected in [
        "Description: Answer customers' emails and chats about orders.",
        "Email support",
        "Kind of work: Business process outsourcing (BPO)",
        "Hours: About 120 hours of work a week.",
        "Cover: Around the clock, every day of the year (24/7).",
        "Languages: English and Spanish.",
        "The work touches payment card data and personal data about identifiable people.",
        "PCI DSS | Required | The work takes card payments. "
        "| Ask for the attestation of compliance",
        "Service level | 80% of contacts answered within 20 seconds | Customers wait less.",
        "First-contact resolution | 70% or more | Fewer repeat calls.",
        "your rate for each role in EUR",
        "Team: How many people you would assign, their roles and seniority",
        "Transition: Your plan for taking the work over",
        "Attrition: Staff attrition over the last twelve months",
        "Security evidence: Each certificate you hold with its scope",
        "your latest audit report or attestation",
        "References: Two or three clients",
        "Questions from vendors due | Week 1",
        "Proposals due | Week 3",
        "Calls with the shortlisted vendors | Week 4",
        "Pilot starts | Week 6",
    ]:
        assert expected in text


def brief_links(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    return [
        relationship.target_ref
        for relationship in document.part.rels.values()
        if relationship.reltype == RELATIONSHIP_TYPE.HYPERLINK
    ]


def test_the_word_file_links_the_brief(client, brief):
    assert brief_links(client.get(docx_url(brief)).content) == [
        f"http://testserver/r/{brief.token}/"
    ]


def test_the_page_and_the_word_file_say_the_same(client, brief):
    content = rfp_content(brief, brief_url=f"http://testserver/r/{brief.token}/")
    page = html.unescape(client.get(page_url(brief)).text)
    word = word_text(client.get(docx_url(brief)).content)
    assert f'<h1 class="rfp-title">{content.title}</h1>' in page
    for section in content.sections:
        assert f">{section.heading}</h2>" in page
        assert section.heading in word
        for block in section.blocks:
            for text in [block.lead + block.text, *block.items, *sum(block.rows, ())]:
                assert text.strip() in word
                assert text.replace(block.lead, "").strip() in page


def test_the_page_is_printable_and_private(client, brief, htmx_headers):
    response = client.get(page_url(brief))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private"
    content = response.text
    assert f'href="{docx_url(brief)}" download>Download for Word' in content
    assert '<div class="rfp-actions no-print">' in content
    assert "<mark>[your organisation]</mark>" in content
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in content
    assert client.get(page_url(brief), headers=htmx_headers).status_code == 200
    assert client.head(docx_url(brief)).status_code == 200
    assert client.post(page_url(brief)).status_code == 405


def test_a_brief_saved_before_the_new_facts_still_gets_a_request(client, db):
    old = saved_brief(task_name="", task_services=[], preferences={}, guidance={})
    word = word_text(client.get(docx_url(old)).content)
    assert "Request for proposal: business process outsourcing" in word
    assert "To be agreed: please say what volume your price assumes." in word
    assert "Business hours on working days." in word
    assert "We have named no sensitive data" in word
    assert "please propose the ones you report on" in word
    assert "Certification | Why" not in word
    assert client.get(page_url(old)).status_code == 200
    assert client.get(docx_url(old))["Content-Disposition"] == (
        'attachment; filename="rfp-business-process-outsourcing.docx"'
    )


def test_assumed_hours_and_certifications_not_required_are_said_so(db):
    recommendation = saved_brief(
        preferences={"require_certifications": False, "data_sensitivity": ["health"]},
        guidance={
            "cost": {"hours_per_week": 40, "hours_assumed": True},
            "certifications_required": [PCI],
        },
    )
    content = rfp_content(recommendation, brief_url="https://example.com/r/x/")
    texts = [block.text for section in content.sections for block in section.blocks]
    assert (
        "About 40 hours of work a week (an assumption: please price the volume you think "
        "the work needs)." in texts
    )
    assert (
        "We expect those marked required; if you lack one, say how you protect the data instead."
        in texts
    )
    assert "The work touches health information." in texts


def test_an_unknown_or_deleted_link_is_not_found(client, brief):
    assert client.get(f"/r/{'z' * 24}/rfp/").status_code == 404
    assert client.get(f"/r/{'z' * 24}/rfp.docx").status_code == 404
    client.get(docx_url(brief))  # kept
    urls = [page_url(brief), docx_url(brief)]
    brief.delete()
    for url in urls:
        assert client.get(url).status_code == 404


def test_the_word_file_is_written_once_per_host(client, brief, django_assert_num_queries, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    first = client.get(docx_url(brief)).content
    with django_assert_num_queries(1):
        assert client.get(docx_url(brief)).content == first
    other = client.get(docx_url(brief), headers={"host": "other.example"}).content
    assert brief_links(other) == [f"http://other.example/r/{brief.token}/"]


pytestmark = pytest.mark.django_db

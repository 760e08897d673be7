"""Ask for a proposal: a mailto: link to the vendor's address, with a subject and a body
that link the brief and its request for proposal; the app itself sends nothing."""

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.template.loader import render_to_string

from advisor.presenters import RecommendationPage
from tests.helpers import saved_brief, vendor_snapshot

CONTACT = "components/_vendor_contact.html"


@pytest.fixture
def page(db, rf):
    """A brief whose work's name holds characters a URL must encode."""
    recommendation = saved_brief(
        task_name="R&D support: 100% of tickets, #1 priority?",
        vendors=[vendor_snapshot("manila-care"), vendor_snapshot("bogota-help")],
    )
    return RecommendationPage(recommendation, rf.get("/"))


def href(content: str) -> str:
    return html.unescape(re.search(r'href="([^"]*)"', content)[1])


def test_a_vendor_with_an_email_gets_a_prefilled_message(page):
    vendor = vendor_snapshot("manila-care", contact_email="bids+rfp@manila-care.example")
    content = render_to_string(CONTACT, {"vendor": vendor, "page": page})
    assert '>Ask for a proposal<span class="visually-hidden"> from Manila Care</span>' in content
    link = urlsplit(href(content))
    assert link.scheme == "mailto"
    assert unquote(link.path) == "bids+rfp@manila-care.example"
    # Spaces and line breaks percent-encoded, never "+", which mail programs keep.
    assert "+" not in link.query
    assert "%0D%0A" in link.query
    fields = parse_qs(link.query, strict_parsing=True)
    assert fields["subject"] == ["Request for proposal: R&D support: 100% of tickets, #1 priority?"]
    token = page.recommendation.token
    body = fields["body"][0]
    assert f"http://testserver/r/{token}/rfp/" in body
    assert f"http://testserver/r/{token}/\r\n" in body
    assert "R&D support: 100% of tickets, #1 priority?" in body


def test_a_vendor_with_only_a_contact_page_gets_an_external_link(page):
    vendor = vendor_snapshot("bogota-help", contact_email="")
    content = render_to_string(CONTACT, {"vendor": vendor, "page": page})
    assert "Ask for a proposal" not in content
    assert 'href="https://bogota-help.example/contact" rel="external noopener nofollow"' in content
    assert ">Contact page<" in content


def test_a_vendor_with_no_contact_gets_nothing(page):
    for vendor in [
        vendor_snapshot("cape-desk", contact_email="", contact_url=""),
        {
            key: value
            for key, value in vendor_snapshot("old-entry").items()
            if not key.startswith("contact_")
        },
    ]:
        assert render_to_string(CONTACT, {"vendor": vendor, "page": page}).strip() == ""


def test_the_note_says_the_app_sends_and_keeps_nothing(page):
    note = render_to_string(f"{CONTACT}#contact-note", {"page": page})
    assert "This site sends no email and keeps nothing about you." in note
    assert "Ask for a proposal" in note


def test_the_compare_page_asks_each_vendor_and_says_so_once(client, page):
    recommendation = page.recommendation
    response = client.get(
        f"/r/{recommendation.token}/compare/", {"vendors": "manila-care,bogota-help"}
    )
    content = response.text
    assert content.count(">Ask for a proposal<") == 2
    assert content.count("mailto:proposals@manila-care.example?subject=") == 1
    assert content.count("This site sends no email and keeps nothing about you.") == 1


pytestmark = pytest.mark.django_db

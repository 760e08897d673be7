"""A brief says how fresh the catalog data it quotes is: when an editor last reviewed
each vendor's details, and that the data is as of the brief's own date."""

from datetime import date

from django.utils import timezone

from advisor.models import Recommendation
from outsourcing.models import Vendor
from tests.factories import EXPERT_ANSWERS, WORK
from tests.helpers import saved_brief, vendor_snapshot

AS_OF = "Vendor details, rates and certifications as the catalog held them on"


def test_a_brief_keeps_and_shows_each_vendors_review_date(client, market_research):
    Vendor.objects.filter(slug="krakow-insight").update(reviewed_on=date(2026, 3, 3))
    client.post("/advisor/", {**WORK, **EXPERT_ANSWERS})
    brief = Recommendation.objects.get()
    assert brief.vendors[0]["reviewed_on"] == "2026-03-03"
    # A later review changes the catalog, not the brief.
    Vendor.objects.update(reviewed_on=date(2026, 9, 1))
    text = client.get(brief.get_absolute_url()).text
    assert "Details reviewed 3 March 2026" in text
    assert "1 September 2026" not in text
    assert f"{AS_OF} {timezone.localdate(brief.created_at):%-d %B %Y}" in text


def test_a_vendor_never_reviewed_shows_no_date(client, market_research):
    client.post("/advisor/", {**WORK, **EXPERT_ANSWERS})
    brief = Recommendation.objects.get()
    assert brief.vendors[0]["reviewed_on"] is None
    text = client.get(brief.get_absolute_url()).text
    assert "Details reviewed" not in text
    assert AS_OF in text


def test_an_older_brief_without_review_dates_shows_none(client, db):
    vendor = vendor_snapshot("manila-care")
    del vendor["reviewed_on"]
    brief = saved_brief(vendors=[vendor])
    text = client.get(brief.get_absolute_url()).text
    assert "Manila Care" in text
    assert "Details reviewed" not in text

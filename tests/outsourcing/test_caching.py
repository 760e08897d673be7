"""Pages rendered once and served from the cache: fresh per-response values, a new
copy after every catalog edit, and no CSRF cookie where there is no form."""

import re
import uuid

import pytest
from django.core.cache import cache

from advisor import services
from advisor.engine import Factor
from advisor.models import Recommendation, ScoringSettings
from outsourcing import caching
from tests.factories import EXPERT_ANSWERS, ServiceFactory, VendorFactory

pytestmark = pytest.mark.django_db

SUBMISSION_ID = re.compile(r'name="submission_id" value="([^"]+)"')
NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture
def research():
    research = ServiceFactory(name="Market research", slug="market-research", kpo=True)
    VendorFactory(name="Krakow Insight", services=[research])
    return research


def test_each_response_of_a_cached_page_gets_its_own_nonce_token_and_submission_id(
    client, research
):
    first, second = client.get("/advisor/"), client.get("/advisor/")
    for pattern in (SUBMISSION_ID, NONCE):
        assert pattern.search(first.text)[1] != pattern.search(second.text)[1]
    policy = second["Content-Security-Policy"]
    assert f"'nonce-{NONCE.search(second.text)[1]}'" in policy
    assert "hole" not in first.text + second.text


def test_a_catalog_edit_renews_the_cached_pages(client, research):
    assert "Lisbon Analytics" not in client.get("/vendors/").text
    questionnaire = client.get("/advisor/").text
    VendorFactory(name="Lisbon Analytics", services=[research])
    assert "Lisbon Analytics" in client.get("/vendors/").text
    ServiceFactory(name="Patent search", slug="patent-search", kpo=True)
    renewed = client.get("/advisor/").text
    assert "Patent search" in renewed and "Patent search" not in questionnaire


def test_a_copy_from_another_catalog_version_is_not_served():
    version, value = caching.catalog_cache_get("entry")
    assert value is None
    caching.catalog_cache_set("entry", version, "kept", 60)
    assert caching.catalog_cache_get("entry") == (version, "kept")
    caching.bump_catalog_version()
    newer, value = caching.catalog_cache_get("entry")
    assert newer != version and value is None


def test_only_pages_with_a_form_set_a_csrf_cookie(client, research):
    recommendation = services.recommendation_create(
        answers={Factor(key): int(value) for key, value in EXPERT_ANSWERS.items()},
        preferences={},
    )
    for url in ("/", "/vendors/", "/services/", recommendation.get_absolute_url()):
        client.cookies.clear()
        response = client.get(url)
        assert response.status_code == 200
        assert "csrftoken" not in response.cookies, url
    client.cookies.clear()
    assert "csrftoken" in client.get("/advisor/").cookies


@pytest.fixture
def clock(monkeypatch):
    """This process's clock for the catalog version, moved by hand, with no version
    read yet."""
    now = [1000.0]
    monkeypatch.setattr(caching, "monotonic", lambda: now[0])
    monkeypatch.setattr(caching, "_last_read", (float("-inf"), ""))
    return now


def test_a_recent_enough_version_needs_no_cache_read(clock):
    version = caching.catalog_version()
    cache.set(caching.VERSION_KEY, "edited-elsewhere")  # another process's edit
    assert caching.catalog_version(max_age=1) == version
    clock[0] += 1.5
    assert caching.catalog_version(max_age=1) == "edited-elsewhere"
    cache.set(caching.VERSION_KEY, "edited-again")
    assert caching.catalog_version() == "edited-again"  # no max_age: always read


def test_a_preview_follows_a_scoring_change_made_elsewhere_within_its_lag(client, settings, clock):
    settings.ADVISOR_CATALOG_LAG_SECONDS = 1
    answers = {"task_complexity": "3", "skill_scarcity": "3", "decision_authority": "3"}
    first = client.post("/advisor/preview/", answers)
    assert first.context["preview"].verdict == "hybrid"
    # Another process saves new thresholds, which bumps the shared version.
    ScoringSettings.objects.update(bpo_max=60, kpo_min=80)
    cache.set(caching.VERSION_KEY, "edited-elsewhere")
    again = client.post("/advisor/preview/", answers)
    assert again.context is None and again.content == first.content  # from memory
    clock[0] += 1.5
    assert client.post("/advisor/preview/", answers).context["preview"].verdict == "bpo"


def test_a_new_recommendation_follows_a_scoring_change_made_elsewhere_within_its_lag(
    client, settings, clock
):
    settings.ADVISOR_CATALOG_LAG_SECONDS = 1
    answers = {"task_complexity": "3", "skill_scarcity": "3", "decision_authority": "3"}

    def verdict(submission: int) -> str:
        client.post("/advisor/", {**answers, "submission_id": uuid.UUID(int=submission)})
        return Recommendation.objects.latest("pk").verdict

    assert verdict(1) == "hybrid"
    # Another process saves new thresholds, which bumps the shared version.
    ScoringSettings.objects.update(bpo_max=60, kpo_min=80)
    cache.set(caching.VERSION_KEY, "edited-elsewhere")
    assert verdict(2) == "hybrid"
    clock[0] += 1.5
    assert verdict(3) == "bpo"


def test_a_process_memo_drops_the_least_recently_used_value():
    memo = caching.ProcessMemo(2)
    memo.set("a", 1)
    memo.set("b", 2)
    assert memo.get("a") == 1
    memo.set("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (1, None, 3)


def test_catalog_data_stored_by_another_release_is_not_read(monkeypatch):
    monkeypatch.setattr(caching, "CODE_VERSION", "release-1")
    caching.catalog_data("choices", lambda: ("old", "shape"))
    # A process of the next release, sharing the cache during a rolling deploy.
    monkeypatch.setattr(caching, "CODE_VERSION", "release-2")
    monkeypatch.setattr(caching, "_local", {})
    assert caching.catalog_data("choices", lambda: {"new": "shape"}) == {"new": "shape"}

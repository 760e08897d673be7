import pytest
from django.core.cache import cache
from django.urls import reverse

from outsourcing.models import Vendor
from tests.factories import CertificationFactory, LanguageFactory, ServiceFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    """A small directory: two BPO vendors in Asia, one KPO firm in Poland."""
    data_entry = ServiceFactory(name="Data entry", slug="data-entry")
    research = ServiceFactory(name="Market research", slug="market-research", kpo=True)
    spanish = LanguageFactory(code="es", name="Spanish")
    iso = CertificationFactory()
    return {
        "data_entry": data_entry,
        "research": research,
        "manila": VendorFactory(
            name="Manila Keyers",
            services=[data_entry],
            coverage=Vendor.Coverage.ROUND_THE_CLOCK,
            hourly_rate_min=8,
            hourly_rate_max=14,
        ),
        "pune": VendorFactory(
            name="Pune Records",
            delivery_countries=["IN"],
            headquarters="IN",
            services=[data_entry],
            languages=[spanish],
        ),
        "krakow": VendorFactory(
            name="Krakow Insight",
            delivery_countries=["PL"],
            headquarters="PL",
            services=[research],
            certifications=[iso],
            hourly_rate_min=45,
            hourly_rate_max=90,
        ),
    }


def names(response):
    return [vendor.name for vendor in response.context["page"].object_list]


def test_home_explains_bpo_and_kpo(client, directory):
    response = client.get(reverse("outsourcing:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Business process outsourcing" in content
    assert "Knowledge process outsourcing" in content
    assert response.context["vendor_count"] == 3
    assert response.context["service_counts"] == {"bpo": 1, "kpo": 1}


def test_service_list_groups_active_services_by_category(client, directory):
    hidden = ServiceFactory(name="Retired service", is_active=False)
    response = client.get(reverse("outsourcing:service_list"))
    assert response.status_code == 200
    assert "Data entry" in response.content.decode()
    assert hidden.name not in response.content.decode()


def test_service_page_shows_profile_and_vendors(client, directory):
    response = client.get(directory["data_entry"].get_absolute_url())
    assert response.status_code == 200
    assert {vendor.name for vendor in response.context["vendors"]} == {
        "Manila Keyers",
        "Pune Records",
    }
    rows = response.context["profile_rows"]
    assert [row["value"] for row in rows] == [1] * 9
    assert rows[0]["label"] == "Task complexity"


def test_inactive_service_and_unknown_slug_give_the_404_page(client, directory):
    retired = ServiceFactory(is_active=False)
    for url in [
        retired.get_absolute_url(),
        reverse("outsourcing:service_detail", args=["no-such-service"]),
        reverse("outsourcing:vendor_detail", args=["no-such-vendor"]),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()


def test_inactive_vendor_is_hidden(client, directory):
    vendor = VendorFactory(is_active=False)
    assert client.get(vendor.get_absolute_url()).status_code == 404
    assert vendor.name not in names(client.get(reverse("outsourcing:vendor_list")))


def test_vendor_page_shows_the_profile(client, directory):
    response = client.get(directory["krakow"].get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Krakow Insight" in content
    assert "Poland" in content
    assert "ISO 27001" in content
    assert "Sample profile" in content


def test_directory_lists_every_active_vendor_in_name_order(client, directory):
    response = client.get(reverse("outsourcing:vendor_list"))
    assert response.status_code == 200
    assert names(response) == ["Krakow Insight", "Manila Keyers", "Pune Records"]
    assert response.context["notes"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("service=data-entry", ["Manila Keyers", "Pune Records"]),
        ("process_type=kpo", ["Krakow Insight"]),
        ("country=IN", ["Pune Records"]),
        ("language=es", ["Pune Records"]),
        ("certification=iso-27001", ["Krakow Insight"]),
        ("rate_max=20", ["Manila Keyers", "Pune Records"]),
        ("rate_min=30", ["Krakow Insight"]),
        ("round_the_clock=on", ["Manila Keyers"]),
        ("q=insight", ["Krakow Insight"]),
        ("service=data-entry&country=PH&round_the_clock=on", ["Manila Keyers"]),
    ],
)
def test_directory_filters(client, directory, query, expected):
    response = client.get(f"{reverse('outsourcing:vendor_list')}?{query}")
    assert response.status_code == 200
    assert names(response) == expected
    assert response.context["notes"] == []


def test_junk_filter_values_are_ignored_with_a_visible_note(client, directory):
    response = client.get(f"{reverse('outsourcing:vendor_list')}?country=ZZ&rate_max=abc&page=-3")
    assert response.status_code == 200
    assert names(response) == ["Krakow Insight", "Manila Keyers", "Pune Records"]
    notes = response.context["notes"]
    assert notes == [
        "Ignored the “Delivers from” filter: “ZZ” is not one of the listed options.",
        "Ignored the “Rate up to (USD/h)” filter: Enter a whole number.",
        "There is no page -3; showing page 1.",
    ]
    content = response.content.decode()
    for note in ["“ZZ” is not one of the listed options", "There is no page -3"]:
        assert note in content


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=99",
        "rate_min=50&rate_max=10",
        "rate_max=-1",
        "service=" + "x" * 5000,
        "process_type=bpo&process_type=nonsense",
        "round_the_clock=maybe",
    ],
)
def test_directory_never_fails_on_junk(client, directory, query):
    response = client.get(f"{reverse('outsourcing:vendor_list')}?{query}")
    assert response.status_code == 200


def test_reversed_rate_range_is_explained(client, directory):
    response = client.get(f"{reverse('outsourcing:vendor_list')}?rate_min=50&rate_max=10")
    assert (
        "Ignored the “Rate up to (USD/h)” filter: The upper rate is below the lower one."
        in (response.context["notes"])
    )


def test_directory_paginates_and_keeps_filters_in_page_links(client, settings, directory):
    settings.VENDORS_PER_PAGE = 2
    response = client.get(f"{reverse('outsourcing:vendor_list')}?country=ZZ&rate_max=100")
    assert names(response) == ["Krakow Insight", "Manila Keyers"]
    content = response.content.decode()
    assert 'href="?rate_max=100&amp;page=2"' in content
    assert "country=ZZ" not in content
    second = client.get(f"{reverse('outsourcing:vendor_list')}?rate_max=100&page=2")
    assert names(second) == ["Pune Records"]
    past_the_end = client.get(f"{reverse('outsourcing:vendor_list')}?page=9")
    assert names(past_the_end) == ["Pune Records"]
    assert past_the_end.context["notes"] == ["There is no page 9; showing page 2."]


def test_directory_redisplays_only_the_filters_in_force(client, directory):
    response = client.get(f"{reverse('outsourcing:vendor_list')}?country=ZZ&language=es")
    form = response.context["form"]
    assert not form.is_bound
    assert form.initial == {"language": "es"}


def test_directory_htmx_request_gets_only_the_results(client, directory, htmx_headers):
    response = client.get(f"{reverse('outsourcing:vendor_list')}?country=IN", headers=htmx_headers)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="vendor-results"')
    assert "Pune Records" in content
    assert "<html" not in content
    assert "HX-Request" in response["Vary"]


def test_directory_history_restore_gets_the_full_page(client, directory):
    response = client.get(
        reverse("outsourcing:vendor_list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "full_page"), [("home", True), ("service_list", True), ("vendor_list", False)]
)
def test_pages_answer_htmx_requests_as_full_pages_unless_they_have_a_fragment(
    client, directory, htmx_headers, url_name, full_page
):
    response = client.get(reverse(f"outsourcing:{url_name}"), headers=htmx_headers)
    assert response.status_code == 200
    assert ("<html" in response.content.decode()) is full_page


def test_detail_pages_answer_htmx_requests(client, directory, htmx_headers):
    for url in [directory["research"].get_absolute_url(), directory["manila"].get_absolute_url()]:
        response = client.get(url, headers=htmx_headers)
        assert response.status_code == 200
        assert "<main" in response.content.decode()


def test_public_pages_refuse_post(client, directory):
    response = client.post(reverse("outsourcing:vendor_list"))
    assert response.status_code == 405


@pytest.mark.parametrize(
    "url",
    ["/", "/services/", "/vendors/", "/services/no-such-service/"],
)
def test_every_page_carries_the_strict_content_security_policy(client, directory, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]:
        assert directive in policy
    # No inline script, so no nonce: the page is the same for every response.
    assert "nonce" not in response.content.decode()


def test_pages_load_nothing_from_another_origin(client, directory):
    for url in ["/", "/services/", "/vendors/", directory["manila"].get_absolute_url()]:
        content = client.get(url).content.decode()
        assert 'src="http' not in content
        assert 'src="//' not in content
        assert '<link rel="stylesheet" href="http' not in content


def test_directory_cards_list_only_active_services(client, directory):
    retired = ServiceFactory(name="Telex keying", slug="telex-keying", is_active=False)
    directory["manila"].services.add(retired)
    content = client.get(reverse("outsourcing:vendor_list")).content.decode()
    assert "Data entry" in content
    assert "Telex keying" not in content


def test_only_pages_filtered_from_the_lists_are_kept(client, directory, monkeypatch):
    """So no query string, however random, adds a page to the cache."""
    kept = []
    set_in_cache = cache.set

    def spy(key, *args, **kwargs):
        kept.append(key)
        set_in_cache(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    for query in ("?q=x1", "?q=x2", "?rate_min=7", "?country=ZZ", "?page=abc", "?page=99"):
        assert client.get(f"/vendors/{query}").status_code == 200
    assert kept == []
    for query in ("?country=PH", "?country=PH&junk=1", "?junk=2&country=PH&q="):
        assert "Manila Keyers" in client.get(f"/vendors/{query}").text
    assert len(kept) == 1

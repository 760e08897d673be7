import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse

from outsourcing.models import Language, Vendor
from tests.factories import CertificationFactory, LanguageFactory, ServiceFactory, VendorFactory

pytestmark = pytest.mark.django_db

SAMPLE_BADGE = '<span class="badge badge-sample">Sample (fictional)</span>'


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
    assert SAMPLE_BADGE in content
    assert "Proposals to" not in content


def test_vendor_page_says_how_to_ask_for_a_proposal(client, directory):
    vendor = directory["krakow"]
    vendor.contact_email = "proposals@krakow-insight.example"
    vendor.contact_url = "https://krakow-insight.example/contact"
    vendor.save()
    content = client.get(vendor.get_absolute_url()).content.decode()
    assert 'href="mailto:proposals@krakow-insight.example"' in content
    assert 'href="https://krakow-insight.example/contact"' in content


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
    assert form.initial == {"language": ["es"]}


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
    rendered = caches["rendered"]
    set_in_cache = rendered.set

    def spy(key, *args, **kwargs):
        if key.startswith("directory:"):  # not the page's frame, the same everywhere
            kept.append(key)
        set_in_cache(key, *args, **kwargs)

    monkeypatch.setattr(rendered, "set", spy)
    for query in ("?q=x1", "?q=x2", "?rate_min=7", "?country=ZZ", "?page=abc", "?page=99"):
        assert client.get(f"/vendors/{query}").status_code == 200
    assert kept == []
    for query in ("?country=PH", "?country=PH&junk=1", "?junk=2&country=PH&q="):
        assert "Manila Keyers" in client.get(f"/vendors/{query}").text
    assert len(kept) == 1


def test_the_filter_lists_show_what_was_chosen_and_what_the_catalog_holds(client, directory):
    """The lists are one kept fragment: it follows the chosen values and the catalog,
    never the search text or the rates."""
    url = reverse("outsourcing:vendor_list")
    selected = 'value="{}" selected'
    assert selected.format("PH") in client.get(url, {"country": "PH", "q": "a"}).text
    page = client.get(url, {"country": "IN", "rate_max": "30", "q": "b"}).text
    assert selected.format("IN") in page
    assert selected.format("PH") not in page
    assert 'value="30"' in page
    assert 'value="b"' in page
    assert "Mexico" not in page
    VendorFactory(name="Monterrey Desk", delivery_countries=["MX"], headquarters="MX")
    assert "Mexico" in client.get(url, {"country": "IN", "rate_max": "30"}).text


def test_search_text_and_rates_add_no_filter_lists_to_the_cache(client, directory, monkeypatch):
    kept = []
    rendered = caches["rendered"]
    set_in_cache = rendered.set

    def spy(key, *args, **kwargs):
        if "directory-lists" in key:
            kept.append(key)
        set_in_cache(key, *args, **kwargs)

    monkeypatch.setattr(rendered, "set", spy)
    for query in ("?q=x1", "?q=x2&rate_min=7", "?rate_max=9", "?country=ZZ&q=x3"):
        assert client.get(f"/vendors/{query}").status_code == 200
    assert len(kept) == 1


@pytest.fixture
def shipped_directory():
    call_command("load_catalog", verbosity=0)


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        ("website", "Web application development"),
        ("resume", "Web application development"),
        ("recruitment", "Web application development"),
        ("recruitment website", "Web application development"),
        ("payroll", "Payroll"),
    ],
)
def test_search_finds_the_shipped_vendors_by_the_work_their_services_cover(
    client, shipped_directory, words, offered
):
    response = client.get(reverse("outsourcing:vendor_list"), {"q": words})
    found = response.context["page"].object_list
    assert found
    builders = {
        vendor.name for vendor in Vendor.objects.filter(services__name=offered, is_active=True)
    }
    assert builders <= {vendor.name for vendor in found}
    assert "match your search" in response.text


@pytest.fixture
def searchable_directory(directory):
    """The small directory (everyone speaks English, Pune also Spanish) plus a web
    studio that speaks Spanish and Portuguese."""
    web = ServiceFactory(
        name="Web application development",
        slug="web-apps",
        summary="Developers who build the buyer's websites and web applications.",
        typical_tasks="Build a recruitment site with resume upload",
    )
    portuguese = LanguageFactory(code="pt", name="Portuguese")
    spanish = Language.objects.get(code="es")
    directory["pune"].languages.add(LanguageFactory())
    return {
        **directory,
        "web": web,
        "studio": VendorFactory(
            name="Lima Web Studio",
            pitch="Sites for small firms.",
            description="We build booking systems for clinics.",
            delivery_countries=["PE", "CO"],
            headquarters="US",
            services=[directory["data_entry"], web],
            languages=[portuguese, spanish],
            hourly_rate_min=30,
            hourly_rate_max=60,
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=website", ["Lima Web Studio"]),  # a service's summary
        ("q=RESUME", ["Lima Web Studio"]),  # a service's typical task, any case
        ("q=web+application", ["Lima Web Studio"]),  # every word, in a service's name
        ("q=clinics", ["Lima Web Studio"]),  # the vendor's description
        ("q=small+firms", ["Lima Web Studio"]),  # its pitch
        ("q=website+nonsense", []),
        ("language=es", ["Lima Web Studio", "Pune Records"]),
        ("language=es&language=en", ["Pune Records"]),
        ("language=pt&language=es", ["Lima Web Studio"]),
        ("language=pt&language=es&service=data-entry&country=PE", ["Lima Web Studio"]),
    ],
)
def test_directory_search_and_languages(client, searchable_directory, query, expected):
    response = client.get(f"{reverse('outsourcing:vendor_list')}?{query}")
    assert response.status_code == 200
    assert names(response) == expected
    assert response.context["notes"] == []


def test_a_vendor_must_speak_every_chosen_language(client, searchable_directory):
    response = client.get(reverse("outsourcing:vendor_list"), {"language": ["en", "es"]})
    assert names(response) == ["Pune Records"]
    assert "1 vendor matches your filters" in response.text


def test_languages_are_checkboxes_that_keep_their_choices(client, searchable_directory):
    response = client.get(reverse("outsourcing:vendor_list"), {"language": ["es", "en"]})
    content = response.text
    checked = re.findall(
        r'<input type="checkbox"[^>]*name="language" value="(\w+)"[^>]* checked>', content
    )
    assert checked == ["en", "es"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Krakow Insight", "Lima Web Studio", "Manila Keyers", "Pune Records"]),
        ("sort=rate", ["Manila Keyers", "Pune Records", "Lima Web Studio", "Krakow Insight"]),
        ("sort=rate&service=data-entry", ["Manila Keyers", "Pune Records", "Lima Web Studio"]),
    ],
)
def test_directory_sorts_by_name_or_lowest_rate(client, searchable_directory, query, expected):
    response = client.get(f"{reverse('outsourcing:vendor_list')}?{query}")
    assert names(response) == expected


def test_best_fit_puts_verified_then_broader_vendors_first_and_says_so(
    client, searchable_directory
):
    data_entry = searchable_directory["data_entry"]
    sibling = ServiceFactory(name="Form processing", category=data_entry.category)
    searchable_directory["pune"].services.add(sibling)
    VendorFactory(name="Abacus Keying", services=[data_entry], is_verified=True, is_sample=False)
    VendorFactory(name="Aardvark Sample", services=[data_entry], is_verified=True)
    response = client.get(
        reverse("outsourcing:vendor_list"), {"service": "data-entry", "sort": "fit"}
    )
    # Verified (a sample never counts as verified), then more services of the
    # category (Pune), then by name.
    assert names(response) == [
        "Abacus Keying",
        "Pune Records",
        "Aardvark Sample",
        "Lima Web Studio",
        "Manila Keyers",
    ]
    assert "Those our editors have verified come first" in response.text
    assert response.context["notes"] == []


def test_best_fit_without_a_service_is_explained_and_sorts_by_name(client, searchable_directory):
    response = client.get(reverse("outsourcing:vendor_list"), {"sort": "fit"})
    assert names(response)[0] == "Krakow Insight"
    assert response.context["notes"] == [
        "Ignored the “Sort by” filter: Best fit needs a service: pick one under “Service”."
    ]


def test_match_count_reads_as_english(client, searchable_directory):
    url = reverse("outsourcing:vendor_list")
    assert "1 vendor matches your filters" in client.get(url, {"country": "IN"}).text
    assert "3 vendors match your filters" in client.get(url, {"service": "data-entry"}).text
    assert "0 vendors match your search" in client.get(url, {"q": "zzz"}).text
    assert "4 vendors</h2>" in " ".join(client.get(url).text.split()).replace(" </h2>", "</h2>")


def test_cards_show_delivery_countries_and_the_filtered_service_first(client, searchable_directory):
    response = client.get(reverse("outsourcing:vendor_list"), {"service": "web-apps"})
    card = response.text.split("Lima Web Studio", 1)[1]
    assert "Peru, Colombia" in card or "Colombia, Peru" in card
    assert "United States" not in response.text
    assert card.index("Web application development") < card.index("Data entry")
    plain = client.get(reverse("outsourcing:vendor_list")).text.split("Lima Web Studio", 1)[1]
    assert plain.index("Data entry") < plain.index("Web application development")


def test_cards_name_the_services_the_search_found_first(client, searchable_directory):
    response = client.get(reverse("outsourcing:vendor_list"), {"q": "resume"})
    card = response.text.split("Lima Web Studio", 1)[1]
    assert card.index("Web application development") < card.index("Data entry")


def test_cards_show_four_services_and_count_the_rest(client, searchable_directory):
    extra = [ServiceFactory(name=f"Extra service {n}") for n in range(4)]
    searchable_directory["studio"].services.add(*extra)
    response = client.get(reverse("outsourcing:vendor_list"), {"q": "clinics"})
    assert "+2 more" in response.text


def test_the_directory_fragment_carries_the_search_results(
    client, searchable_directory, htmx_headers
):
    response = client.get(
        reverse("outsourcing:vendor_list"),
        {"q": "website", "language": ["pt", "es"]},
        headers=htmx_headers,
    )
    content = response.text
    assert content.lstrip().startswith('<section id="vendor-results"')
    assert "1 vendor matches your search" in content
    assert "Lima Web Studio" in content
    assert SAMPLE_BADGE in content


@pytest.mark.parametrize("url_name", ["vendor_list", "vendor_detail"])
def test_a_sample_vendor_is_marked_fictional_and_never_verified(
    client, searchable_directory, htmx_headers, url_name
):
    studio = searchable_directory["studio"]
    Vendor.objects.filter(pk=studio.pk).update(is_verified=True)
    url = studio.get_absolute_url() if url_name == "vendor_detail" else "/vendors/?q=clinics"
    for headers in ({}, htmx_headers):
        content = client.get(url, headers=headers).text
        assert SAMPLE_BADGE in content
        assert "Verified" not in content


def test_a_real_verified_vendor_shows_as_verified(client, searchable_directory):
    Vendor.objects.filter(name="Manila Keyers").update(is_sample=False, is_verified=True)
    manila = Vendor.objects.get(name="Manila Keyers")
    for url in (reverse("outsourcing:vendor_list"), manila.get_absolute_url()):
        content = client.get(url).text
        assert "Verified" in content
    assert SAMPLE_BADGE not in client.get(manila.get_absolute_url()).text


def test_vendor_page_shows_where_the_work_is_delivered_from(client, searchable_directory):
    content = client.get(searchable_directory["studio"].get_absolute_url()).text
    assert "Delivers from" in content
    assert "Colombia" in content
    assert "Peru" in content


def test_service_page_links_to_advice_for_this_work(client, directory):
    content = client.get(directory["research"].get_absolute_url()).text
    assert 'href="/advisor/?service=market-research"' in content
    assert "Get advice for this work" in content


def test_repeated_languages_and_fixed_sorts_make_one_cache_entry(
    client, searchable_directory, monkeypatch
):
    kept = []
    rendered = caches["rendered"]
    set_in_cache = rendered.set

    def spy(key, *args, **kwargs):
        if key.startswith("directory:"):  # not the page's frame, the same everywhere
            kept.append(key)
        set_in_cache(key, *args, **kwargs)

    monkeypatch.setattr(rendered, "set", spy)
    for query in (
        "?language=pt&language=es",
        "?language=es&language=pt",
        "?language=es&language=pt&language=pt",
    ):
        assert "Lima Web Studio" in client.get(f"/vendors/{query}").text
    assert len(kept) == 1
    for query in ("?sort=rate", "?sort=rate"):
        client.get(f"/vendors/{query}")
    assert len(kept) == 2
    for query in ("?sort=price", "?sort=fit", "?q=website&sort=rate", "?language=xx"):
        assert client.get(f"/vendors/{query}").status_code == 200
    assert len(kept) == 2

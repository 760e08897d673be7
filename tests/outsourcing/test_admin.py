import pytest
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from advisor.engine import FACTOR_TEXTS, Factor
from outsourcing.models import Vendor
from tests.factories import (
    CertificationFactory,
    LanguageFactory,
    ServiceCategoryFactory,
    ServiceFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

CATALOG_MODELS = [
    "servicecategory",
    "service",
    "vendor",
    "language",
    "certification",
    "ratecard",
    "countrycost",
    "costassumptions",
    "exchangerate",
]


@pytest.fixture
def data_entry_vendor():
    service = ServiceFactory(name="Data entry", slug="data-entry")
    vendor = VendorFactory(
        services=[service],
        certifications=[CertificationFactory()],
        delivery_countries=["PH", "IN"],
        is_sample=False,  # an editor can verify only a real vendor
    )
    return {"service": service, "vendor": vendor, "category": service.category}


def catalog_admin_urls(data_entry_vendor):
    urls = [reverse("admin:index")]
    for model in CATALOG_MODELS:
        urls.append(reverse(f"admin:outsourcing_{model}_changelist"))
        urls.append(reverse(f"admin:outsourcing_{model}_add"))
    urls.append(reverse("admin:outsourcing_service_change", args=[data_entry_vendor["service"].pk]))
    urls.append(reverse("admin:outsourcing_vendor_change", args=[data_entry_vendor["vendor"].pk]))
    return urls


def test_anonymous_visitors_reach_no_admin_page(client, data_entry_vendor):
    for url in catalog_admin_urls(data_entry_vendor):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_users_reach_no_admin_page(client, data_entry_vendor):
    client.force_login(UserFactory())
    for url in catalog_admin_urls(data_entry_vendor):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


def test_catalog_editors_group_may_edit_the_catalog_and_nothing_else():
    group = Group.objects.get(name="Catalog editors")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    expected = {
        ("outsourcing", f"{action}_{model}")
        for model in CATALOG_MODELS
        for action in ["view", "add", "change", "delete"]
    }
    # And reading each catalog model's history, not changing it.
    history = {("outsourcing", f"view_historical{model}") for model in CATALOG_MODELS}
    assert codenames == expected | history


def test_catalog_editor_can_use_every_catalog_page(editor_client, data_entry_vendor):
    for url in catalog_admin_urls(data_entry_vendor):
        assert editor_client.get(url).status_code == 200, url


def test_catalog_editor_cannot_see_users_or_groups(editor_client):
    for url in [reverse("admin:auth_user_changelist"), reverse("admin:auth_group_changelist")]:
        assert editor_client.get(url).status_code == 403
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Users" not in index


def test_catalog_editor_changes_a_service_and_buyers_see_it(
    editor_client, client, data_entry_vendor
):
    service = data_entry_vendor["service"]
    url = reverse("admin:outsourcing_service_change", args=[service.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(category=service.category.pk, description="Edited by an editor.", is_active="on")
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Edited by an editor." in client.get(service.get_absolute_url()).content.decode()


def test_admin_shows_a_clear_message_for_a_reversed_rate_range(admin_client, data_entry_vendor):
    vendor = data_entry_vendor["vendor"]
    response = admin_client.post(
        reverse("admin:outsourcing_vendor_add"),
        {
            "name": "Backwards Rates",
            "slug": "backwards-rates",
            "pitch": "x",
            "description": "x",
            "founded_year": 2000,
            "headquarters": "PH",
            "delivery_countries": ["PH"],
            "languages": [LanguageFactory().pk],
            "coverage": "business_hours",
            "team_size": "1-10",
            "hourly_rate_min": 50,
            "hourly_rate_max": 10,
            "minimum_engagement": 0,
            "services": [vendor.services.get().pk],
        },
    )
    assert response.status_code == 200
    assert "The minimum rate ($50) is above the maximum ($10)." in response.content.decode()
    assert not Vendor.objects.filter(slug="backwards-rates").exists()


@pytest.mark.parametrize("model", CATALOG_MODELS)
def test_superuser_changelist_search_and_add(admin_client, data_entry_vendor, model):
    changelist = reverse(f"admin:outsourcing_{model}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "data"}).status_code == 200
    assert admin_client.get(reverse(f"admin:outsourcing_{model}_add")).status_code == 200


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("services__process_type__exact", "bpo"),
        ("services__category__id__exact", lambda objects: objects["category"].pk),
        ("headquarters__exact", "PH"),
        ("delivers_from", "IN"),
        ("certifications__id__exact", lambda objects: objects["vendor"].certifications.get().pk),
        ("is_active__exact", "1"),
    ],
)
def test_vendor_filters(admin_client, data_entry_vendor, name, value):
    other = VendorFactory(
        is_active=False,
        headquarters="BR",
        delivery_countries=["BR"],
        services=[ServiceFactory(kpo=True)],
        certifications=[CertificationFactory(code="soc-2", name="SOC 2")],
    )
    changelist = reverse("admin:outsourcing_vendor_changelist")
    assert f"{name}=" in admin_client.get(changelist).content.decode()
    response = admin_client.get(
        changelist, {name: value(data_entry_vendor) if callable(value) else value}
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [data_entry_vendor["vendor"]]
    assert other not in response.context["cl"].result_list


def test_delivery_country_filter_offers_countries_in_use(admin_client, data_entry_vendor):
    response = admin_client.get(reverse("admin:outsourcing_vendor_changelist"))
    content = response.content.decode()
    assert "?delivers_from=IN" in content
    assert "?delivers_from=PH" in content


def test_vendor_services_use_autocomplete(admin_client, data_entry_vendor):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "outsourcing",
            "model_name": "vendor",
            "field_name": "services",
            "term": "data",
        },
    )
    assert response.status_code == 200
    category = data_entry_vendor["category"].name
    assert response.json()["results"][0]["text"] == f"Data entry · {category}"


def test_bulk_actions_change_what_buyers_see(admin_client, client, data_entry_vendor):
    vendor, service = data_entry_vendor["vendor"], data_entry_vendor["service"]
    changelist = reverse("admin:outsourcing_vendor_changelist")

    def act(action):
        admin_client.post(changelist, {"action": action, "_selected_action": [vendor.pk]})
        return client.get("/vendors/").text

    assert vendor.name not in act("deactivate")
    directory = act("activate")
    assert vendor.name in directory
    assert "Verified" not in directory
    assert "Verified" in act("mark_verified")
    assert service.name in client.get("/services/").text
    admin_client.post(
        reverse("admin:outsourcing_service_changelist"),
        {"action": "deactivate", "_selected_action": [service.pk]},
    )
    assert service.name not in client.get("/services/").text
    assert client.get(service.get_absolute_url()).status_code == 404


def test_category_list_counts_services(admin_client, data_entry_vendor):
    ServiceCategoryFactory()
    response = admin_client.get(reverse("admin:outsourcing_servicecategory_changelist"))
    assert response.status_code == 200
    assert sorted(row.service_count for row in response.context["cl"].result_list) == [0, 1]


def test_editor_permissions_exist_for_every_catalog_model():
    # Each catalog model and its history, and the history of a vendor's three
    # many-to-many fields.
    assert Permission.objects.filter(content_type__app_label="outsourcing").count() == 4 * (
        2 * len(CATALOG_MODELS) + 3
    )


def test_admin_home_lists_the_catalog_first_then_the_advisor_then_the_rest(admin_client):
    app_list = admin_client.get(reverse("admin:index")).context["app_list"]
    assert [app["app_label"] for app in app_list][:2] == ["outsourcing", "advisor"]
    assert [model["name"] for model in app_list[0]["models"]][:9] == [
        "Service categories",
        "Services",
        "Vendors",
        "Rate cards",
        "Country costs",
        "Cost assumptions",
        "Exchange rates",
        "Languages",
        "Certifications",
    ]
    assert [model["name"] for model in app_list[1]["models"]] == [
        "Recommendations",
        "Scoring settings",
    ]
    assert {"auth", "axes"} <= {app["app_label"] for app in app_list[2:]}


def test_every_many_valued_vendor_field_is_one_searchable_multi_select(admin_client):
    response = admin_client.get(reverse("admin:outsourcing_vendor_add"))
    form = response.context["adminform"].form
    for name in ["services", "delivery_countries", "languages", "certifications"]:
        # The related models' fields come wrapped with the admin's "add another" link.
        widget = getattr(form.fields[name].widget, "widget", form.fields[name].widget)
        assert isinstance(widget, AutocompleteSelectMultiple), name
        assert "admin-autocomplete" in widget.build_attrs({})["class"]
    page = response.content.decode()
    assert "selectfilter" not in page.lower()  # no Ctrl-click lists, no filter_horizontal
    assert page.count('class="admin-autocomplete"') == 4


def test_a_vendor_is_added_with_three_services_four_countries_and_two_languages(admin_client):
    services = ServiceFactory.create_batch(3)
    languages = [
        LanguageFactory(code="en", name="English"),
        LanguageFactory(code="es", name="Spanish"),
    ]
    response = admin_client.post(
        reverse("admin:outsourcing_vendor_add"),
        {
            "name": "Four Countries",
            "slug": "four-countries",
            "pitch": "x",
            "description": "x",
            "founded_year": 2000,
            "headquarters": "PH",
            "delivery_countries": ["PH", "IN", "PL", "MX"],
            "languages": [language.pk for language in languages],
            "coverage": "business_hours",
            "team_size": "1-10",
            "hourly_rate_min": 10,
            "hourly_rate_max": 20,
            "minimum_engagement": 0,
            "services": [service.pk for service in services],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    vendor = Vendor.objects.get(slug="four-countries")
    assert set(vendor.services.all()) == set(services)
    assert sorted(country.code for country in vendor.delivery_countries) == [
        "IN",
        "MX",
        "PH",
        "PL",
    ]
    assert set(vendor.languages.all()) == set(languages)
    # The change form shows the chosen countries by name, and only them.
    change = admin_client.get(reverse("admin:outsourcing_vendor_change", args=[vendor.pk]))
    widget = change.context["adminform"].form["delivery_countries"]
    assert [option.choice_label for option in widget] == [
        "India",
        "Mexico",
        "Philippines",
        "Poland",
    ]


def test_service_autocomplete_offers_names_that_start_with_the_text_first(admin_client):
    ServiceFactory(
        name="Live chat support",
        summary="Chat on your website.",
        description="Agents answer the chat window on the buyer's website.",
    )
    ServiceFactory(name="Accessible website audit")
    ServiceFactory(
        name="Website build",
        category=ServiceCategoryFactory(
            name="Engineering and product development", slug="engineering"
        ),
    )
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "outsourcing",
            "model_name": "vendor",
            "field_name": "services",
            "term": "Website",
        },
    )
    texts = [result["text"] for result in response.json()["results"]]
    assert texts[0] == "Website build · Engineering and product development"
    assert [text.split(" · ")[0] for text in texts] == [
        "Website build",
        "Accessible website audit",
        "Live chat support",
    ]


@pytest.mark.parametrize(
    ("field_name", "factory", "term", "names"),
    [
        ("languages", LanguageFactory, "eng", ["English", "Bengali"]),
        ("certifications", CertificationFactory, "iso", ["ISO 27001", "Not ISO, but close"]),
    ],
)
def test_language_and_certification_autocomplete_rank_names_the_same_way(
    admin_client, field_name, factory, term, names
):
    for number, name in enumerate(reversed(names)):
        factory(code=f"c{number}", name=name)
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "outsourcing",
            "model_name": "vendor",
            "field_name": field_name,
            "term": term,
        },
    )
    assert [result["text"] for result in response.json()["results"]] == names


def test_country_search_offers_names_that_start_with_the_text_first(admin_client, client):
    url = reverse("admin:outsourcing_vendor_countries")
    results = admin_client.get(url, {"term": "india"}).json()["results"]
    assert results[0] == {"id": "IN", "text": "India"}
    assert {"id": "IO", "text": "British Indian Ocean Territory"} in results
    assert admin_client.get(url, {"term": "ph"}).json()["results"][0]["text"] == "Philippines"
    assert len(admin_client.get(url).json()["results"]) > 240
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(is_staff=True))  # staff, but may not see vendors
    assert client.get(url).status_code == 403


def test_country_filters_list_only_the_countries_vendors_use(admin_client, data_entry_vendor):
    page = admin_client.get(reverse("admin:outsourcing_vendor_changelist")).content.decode()
    headquarters = data_entry_vendor["vendor"].headquarters.code
    assert f"headquarters__exact={headquarters}" in page
    assert "headquarters__exact=FR" not in page
    assert "delivers_from=PH" in page
    assert "delivers_from=FR" not in page


def test_long_filters_start_collapsed_unless_in_use(admin_client, data_entry_vendor):
    for code in ["BR", "CA", "DE", "EG", "FR", "GH", "IE", "JP"]:
        VendorFactory(headquarters=code, delivery_countries=[code])
    changelist = reverse("admin:outsourcing_vendor_changelist")
    page = admin_client.get(changelist).content.decode()
    assert '<details data-filter-title="headquarters">' in page
    assert '<details data-filter-title="delivery country">' in page
    assert '<details data-filter-title="is active" open>' in page
    in_use = admin_client.get(changelist, {"headquarters__exact": "FR"}).content.decode()
    assert '<details data-filter-title="headquarters" open>' in in_use


def test_service_profile_is_chosen_by_the_buyers_wording(admin_client, data_entry_vendor):
    service = data_entry_vendor["service"]
    response = admin_client.get(reverse("admin:outsourcing_service_change", args=[service.pk]))
    form = response.context["adminform"].form
    for factor in Factor:
        text = FACTOR_TEXTS[factor]
        field = form[factor.value]
        assert field.label == text.question
        assert [option.choice_label for option in field] == [c.text for c in text.choices]
        assert field.widget_type == "adminradioselect"
    checked = [option for option in form["task_complexity"] if option.data["selected"]]
    assert [option.choice_label for option in checked] == [
        "Routine and scripted: " + (FACTOR_TEXTS[Factor.TASK_COMPLEXITY].choices[0].example)
    ]

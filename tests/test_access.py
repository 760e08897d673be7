"""Who gets in: share links that cannot be guessed and give away nothing, and an admin
closed to everyone it is not meant for."""

import io
import os
import re
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.urls import Resolver404, URLPattern, URLResolver, resolve, reverse

from advisor import models as advisor_models
from advisor.models import Recommendation, ScoringSettings
from outsourcing import history
from outsourcing.models import (
    Certification,
    CostAssumptions,
    CountryCost,
    ExchangeRate,
    Language,
    RateCard,
    Service,
    ServiceCategory,
    Vendor,
)
from tests.factories import (
    EXPERT_ANSWERS,
    WORK,
    UserFactory,
    catalog_editor,
)

CATALOG_MODELS = {
    ServiceCategory,
    Service,
    Vendor,
    Language,
    Certification,
    RateCard,
    CountryCost,
    CostAssumptions,
    ExchangeRate,
}
LINK = "Kq3vX9LmT2pR8sW4nY6bZ1cd"


@pytest.fixture
def expert_recommendations(client, market_research):
    for budget in ["40", "60", "80"]:
        response = client.post("/advisor/", {**WORK, **EXPERT_ANSWERS, "budget": budget})
        assert response.status_code == 302
    return list(Recommendation.objects.all())


# Links


def test_tokens_come_from_secrets_and_carry_at_least_128_bits(monkeypatch):
    assert advisor_models.TOKEN_BYTES * 8 >= 128
    calls = []
    monkeypatch.setattr(
        advisor_models.secrets, "token_urlsafe", lambda n: calls.append(n) or "t" * 24
    )
    assert advisor_models.new_token() == "t" * 24
    assert calls == [advisor_models.TOKEN_BYTES]
    assert Recommendation._meta.get_field("token").default is advisor_models.new_token


def test_a_token_one_character_off_a_real_one_is_the_404_page_and_shows_no_link(
    client, expert_recommendations
):
    recommendation = expert_recommendations[0]
    Recommendation.objects.filter(pk=recommendation.pk).update(token=LINK)
    assert client.get(f"/r/{LINK}/").status_code == 200
    tokens = set(Recommendation.objects.values_list("token", flat=True))
    for near_miss in [LINK.swapcase(), LINK[:-1] + "c", LINK + "A", LINK[1:]]:
        for url in (f"/r/{near_miss}/", f"/r/{near_miss}/pdf/"):
            response = client.get(url)
            assert response.status_code == 404, url
            text = response.content.decode()
            assert "We could not find that page" in text
            for token in {near_miss, *tokens}:
                assert token not in text


@pytest.mark.parametrize(
    "token",
    [
        "A" * 19,
        "A" * 41,
        "Kq3vX9LmT2pR8sW4nY6bZ1c.",
        "Kq3vX9LmT2pR8sW4nY6bZ1c~",
        "Kq3vX9LmT2pR8sW4nY6bZ1cé",
        "' OR '1'='1' -- abcdefgh",
        "Kq3vX9LmT2pR8sW4nY6bZ1c\x00",
    ],
)
def test_a_malformed_token_is_the_404_page_before_any_query(
    client, expert_recommendations, django_assert_num_queries, token
):
    for url in (f"/r/{quote(token, safe='')}/", f"/r/{quote(token, safe='')}/pdf/"):
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response.status_code == 404, url
        assert "We could not find that page" in response.content.decode()


def test_no_small_integer_is_a_link(client, expert_recommendations):
    for number in range(10_001):
        for path in (f"/r/{number}/", f"/r/{number}/pdf/"):
            with pytest.raises(Resolver404):
                resolve(path)
    # An id padded to a token's length has a token's shape; it still finds nothing.
    for recommendation in expert_recommendations:
        for path in (f"/r/{recommendation.pk:020d}/", f"/r/{recommendation.pk:020d}/pdf/"):
            assert client.get(path).status_code == 404, path


PERSONAL = {
    "username": "alice.personal",
    "email": "alice.personal@example.com",
    "address": "203.0.113.77",
    "agent": "AliceBrowser/9.9",
}


@pytest.fixture
def submitted(client, market_research):
    """A recommendation submitted by a signed-in person with a distinctive address."""
    user = UserFactory(username=PERSONAL["username"], email=PERSONAL["email"])
    client.force_login(user)
    response = client.post(
        "/advisor/",
        {**WORK, **EXPERT_ANSWERS, "submission_id": "7a1e2d3c-0000-4000-8000-00000000beef"},
        REMOTE_ADDR=PERSONAL["address"],
        headers={"User-Agent": PERSONAL["agent"]},
    )
    recommendation = Recommendation.objects.get()
    # Move it to a distinctive primary key, so any leak of it is easy to spot.
    Recommendation.objects.filter(pk=recommendation.pk).update(id=7_654_321)
    recommendation = Recommendation.objects.get()
    assert response["Location"] == recommendation.get_absolute_url()
    return recommendation


def assert_nothing_internal(text, recommendation):
    for secret in [
        *PERSONAL.values(),
        str(recommendation.pk),
        recommendation.submission_key,
        "7a1e2d3c-0000-4000-8000-00000000beef",
        "csrfmiddlewaretoken",
        "/admin/",
    ]:
        assert secret not in text, secret
    assert not re.search(r'"(id|pk)"\s*:', text)


def test_the_recommendation_page_carries_no_personal_data_or_internal_ids(submitted, client):
    client.logout()
    response = client.get(submitted.get_absolute_url())
    assert response.status_code == 200
    assert_nothing_internal(response.content.decode(), submitted)


def test_the_pdf_carries_no_personal_data_or_internal_ids(submitted, client):
    pypdf = pytest.importorskip("pypdf")
    client.logout()
    response = client.get(reverse("advisor:recommendation_pdf", args=[submitted.token]))
    if response.status_code == 503 and not os.environ.get("CI"):
        pytest.skip("WeasyPrint cannot run here")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    document = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in document.pages)
    assert "KPO" in text
    assert_nothing_internal(text, submitted)
    metadata = " ".join(str(value) for value in (document.metadata or {}).values())
    assert_nothing_internal(metadata, submitted)
    for secret in PERSONAL.values():
        assert secret.encode() not in response.content


# The admin


def admin_urls():
    """Every URL the admin site serves, with real arguments filled in."""
    prefixes = {
        f"{model._meta.app_label}_{model._meta.model_name}_": model
        for model in admin.site._registry
    }
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern

    urls = []
    for pattern in walk(admin.site.urls[0]):
        name = pattern.name
        params = set(pattern.pattern.converters) | set(
            re.findall(r"\(\?P<(\w+)>", str(pattern.pattern))
        )
        model = next((m for prefix, m in prefixes.items() if name.startswith(prefix)), None)
        if name == "app_list":
            urls += [reverse("admin:app_list", kwargs={"app_label": a}) for a in app_labels]
        elif name == "view_on_site":
            content_type = ContentType.objects.get_for_model(Recommendation)
            recommendation = Recommendation.objects.first()
            urls.append(f"/admin/r/{content_type.pk}/{recommendation.pk}/")
        elif name.endswith("_simple_history"):
            # A past version of an entry: /admin/<app>/<model>/<id>/history/<version>/
            record = model.history.first()
            urls.append(reverse(f"admin:{name}", args=[record.id, record.history_id]))
        elif "object_id" in params:
            instance = model.objects.first()
            urls.append(reverse(f"admin:{name}", kwargs={"object_id": instance.pk}))
        elif not params:
            urls.append(reverse(f"admin:{name}"))
    return sorted(set(urls))


@pytest.fixture
def everything(expert_recommendations):
    """A row of every model the admin shows."""
    ServiceCategory.objects.get_or_create(slug="spare", defaults={"name": "Spare"})
    ScoringSettings.objects.get_or_create()
    Certification.objects.get_or_create(code="iso-9001", defaults={"name": "ISO 9001"})
    category = ServiceCategory.objects.get(slug="spare")
    RateCard.objects.create(
        category=category,
        country="PH",
        hourly_low=8,
        hourly_high=12,
        source="A survey",
        source_url="https://example.com/rates",
        as_of="2025-01-01",
    )
    CountryCost.objects.create(
        country="PH",
        attrition_low=31,
        attrition_high=36,
        attrition_source="A survey",
        source_url="https://example.com/attrition",
        as_of="2022-12-31",
    )
    CostAssumptions.objects.get_or_create()
    ExchangeRate.objects.create(
        currency="EUR", name="Euro", per_usd="0.86", source="A bank", as_of="2025-10-01"
    )
    UserFactory(username="someone")
    Group.objects.get_or_create(name="Catalog editors")
    for model in CATALOG_MODELS:
        # Rows made by migrations or fixtures have no history yet: give each a version.
        history.record(model, [model.objects.first().pk], unrecorded_only=True)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="10.0.0.1")
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1")
    urls = admin_urls()
    assert len(urls) > 50
    return urls


OPEN_TO_ALL = {"/admin/login/", "/admin/logout/"}


def test_anonymous_visitors_get_nothing_from_any_admin_url(client, everything):
    for url in everything:
        if url in OPEN_TO_ALL:
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_non_staff_users_get_nothing_from_any_admin_url(client, everything):
    client.force_login(UserFactory(username="buyer"))
    for url in everything:
        if url in OPEN_TO_ALL:
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    login = client.get("/admin/login/")
    assert "not authorized to access this page" in login.content.decode()


def test_a_catalog_editor_reaches_the_catalog_and_nothing_else(client, everything):
    client.force_login(catalog_editor())
    catalog_prefixes = tuple(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/" for model in CATALOG_MODELS
    )
    for url in everything:
        response = client.get(url)
        if url.startswith("/admin/outsourcing/costassumptions/") and url.endswith(
            ("/delete/", "/add/")
        ):
            # The one row of assumptions is edited, never added to or deleted, by anyone.
            assert response.status_code == 403, url
        elif url.startswith(catalog_prefixes) and url.endswith("/process_import/"):
            # An import's confirmation: posted from its preview, never fetched.
            assert response.status_code == 405, url
        elif url == "/admin/outsourcing/service/classify/":
            # The service form's live classification, asked about no answers at all.
            assert response.status_code == 400, url
        elif url.startswith(catalog_prefixes) or url in {"/admin/", "/admin/outsourcing/"}:
            assert response.status_code in {200, 302}, url
            if response.status_code == 302:
                # A catalog "view on site" redirect, nothing else.
                assert not response["Location"].startswith("/admin/login/"), url
        elif url in OPEN_TO_ALL or url.startswith(("/admin/password_change", "/admin/jsi18n")):
            assert response.status_code in {200, 302, 405}, url
        elif url.startswith("/admin/autocomplete/"):
            assert response.status_code in {403, 404}, url
        else:
            assert response.status_code in {403, 404}, url


def test_a_catalog_editor_sees_no_user_recommendation_or_login_records(client, everything):
    client.force_login(catalog_editor())
    index = client.get("/admin/").content.decode()
    for hidden in ["Users", "Groups", "Recommendations", "Scoring settings", "Access attempts"]:
        assert f">{hidden}<" not in index
    assert ">Vendors<" in index
    for recommendation in Recommendation.objects.all():
        assert recommendation.token not in index


def test_a_catalog_editor_can_change_the_catalog(client, everything, market_research):
    client.force_login(catalog_editor())
    url = reverse(
        "admin:outsourcing_certification_change",
        args=[Certification.objects.get(code="iso-9001").pk],
    )
    response = client.post(url, {"code": "iso-9001", "name": "ISO 9001:2015", "description": ""})
    assert response.status_code == 302
    assert Certification.objects.get(code="iso-9001").name == "ISO 9001:2015"


def test_the_editor_group_grants_catalog_permissions_only(db):
    group = Group.objects.get(name="Catalog editors")
    apps = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert apps == {"outsourcing"}
    assert not User.objects.filter(groups=group, is_superuser=True).exists()


def test_view_on_site_leads_staff_only_to_what_they_may_view(client, everything):
    client.force_login(catalog_editor())
    recommendation = Recommendation.objects.first()
    vendor = Vendor.objects.first()
    for_model = ContentType.objects.get_for_model
    hidden = client.get(f"/admin/r/{for_model(Recommendation).pk}/{recommendation.pk}/")
    assert hidden.status_code == 403
    assert recommendation.token not in hidden.content.decode()
    shown = client.get(f"/admin/r/{for_model(Vendor).pk}/{vendor.pk}/")
    assert shown.status_code == 302
    assert shown["Location"].endswith(vendor.get_absolute_url())
    assert client.get("/admin/r/not-a-number/1/").status_code == 404


def test_every_catalog_history_is_walked_and_open_to_editors_only(client, everything):
    catalog = tuple(f"/admin/outsourcing/{model._meta.model_name}/" for model in CATALOG_MODELS)
    histories = [url for url in everything if "/history/" in url and url.startswith(catalog)]
    for model in CATALOG_MODELS:
        prefix = f"/admin/outsourcing/{model._meta.model_name}/"
        # The list of changes and one past version of an entry.
        assert sum(url.startswith(prefix) for url in histories) == 2, model
    client.force_login(catalog_editor())
    for url in histories:
        assert client.get(url).status_code == 200, url
    client.force_login(UserFactory(username="buyer"))
    for url in histories:
        response = client.get(url)
        assert response["Location"].startswith("/admin/login/"), url


def test_an_unpublished_page_opens_as_a_preview_for_editors_only(client, everything):
    vendor, service = Vendor.objects.first(), Service.objects.first()
    Vendor.objects.filter(pk=vendor.pk).update(is_active=False)
    Service.objects.filter(pk=service.pk).update(is_active=False)
    previews = [vendor.get_absolute_url(), service.get_absolute_url()]
    for url in previews:
        assert client.get(url).status_code == 404, url
    client.force_login(UserFactory(username="buyer"))
    for url in previews:
        assert client.get(url).status_code == 404, url
    client.force_login(catalog_editor())
    for url in previews:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Preview: this" in response.content.decode()
    # The admin's "view on site" leads there too.
    shown = client.get(f"/admin/r/{ContentType.objects.get_for_model(Vendor).pk}/{vendor.pk}/")
    assert shown["Location"].endswith(vendor.get_absolute_url())

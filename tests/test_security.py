"""Production headers and cookies, CSRF on every state change, and error pages that give
nothing away. The production settings are loaded for real, in a child process with
DEBUG off, and requested through Django's test client over HTTPS."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from advisor.models import Recommendation
from outsourcing.models import Vendor
from tests.factories import EXPERT_ANSWERS, WORK, UserFactory
from tests.helpers import run_python

PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.contrib.auth.models import User

call_command("migrate", verbosity=0)
User.objects.create_superuser("boss", "", "a long and unusual passphrase")
plain = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
out = {"settings": {name: getattr(settings, name) for name in [
    "DEBUG", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER"]}}

def seen(response):
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {
            name: {"value": bool(m.value), **{k: m[k] for k in
                   ("secure", "httponly", "samesite", "path", "domain")}}
            for name, m in response.cookies.items()
        },
        "body": response.content.decode(errors="replace"),
    }

with override_settings(STORAGES={**settings.STORAGES, **plain}):
    client = Client(raise_request_exception=False)
    out["questionnaire"] = seen(client.get("/advisor/", secure=True))
    out["http"] = seen(client.get("/advisor/"))
    out["login"] = seen(client.post(
        "/admin/login/?next=/admin/",
        {"username": "boss", "password": "a long and unusual passphrase"},
        secure=True,
    ))
    out["missing"] = seen(client.get("/no/such/page/", secure=True))

    from outsourcing import views
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals: " + settings.SECRET_KEY)
    views.VendorFilterForm = boom
    out["error"] = seen(client.get("/vendors/", secure=True))
print(json.dumps(out))
"""

SECRET = "s3cr3t-" + "k" * 50


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    database = tmp_path_factory.mktemp("production") / "db.sqlite3"
    result = run_python(
        PROBE,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{database}",
        ADVISOR_RATE_LIMITS="0",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_pages_carry_the_hardening_headers(production):
    headers = production["questionnaire"]["headers"]
    assert production["questionnaire"]["status"] == 200
    hsts = dict(
        part.strip().partition("=")[::2] for part in headers["Strict-Transport-Security"].split(";")
    )
    assert int(hsts["max-age"]) >= 365 * 24 * 60 * 60
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_production_pages_carry_the_strict_csp(production):
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in production["questionnaire"]["headers"]["Content-Security-Policy"].split(
            ";"
        )
        if directive.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)
    assert not any("*" in source for sources in policy.values() for source in sources)


def test_plain_http_is_redirected_to_https(production):
    assert production["http"]["status"] == 301
    assert production["http"]["headers"]["Location"].startswith("https://")


@pytest.mark.parametrize(
    ("page", "cookie"),
    [("questionnaire", "__Host-csrftoken"), ("login", "__Host-sessionid")],
)
def test_production_cookies_are_host_only_secure_httponly_and_lax(production, page, cookie):
    cookies = production[page]["cookies"]
    assert cookie in cookies, cookies
    attributes = cookies[cookie]
    assert attributes["secure"] is True
    assert attributes["httponly"] is True
    assert attributes["samesite"] == "Lax"
    assert attributes["path"] == "/"
    assert not attributes["domain"]


def test_the_admin_login_in_production_sets_only_prefixed_cookies(production):
    assert production["login"]["status"] == 302
    assert all(name.startswith("__Host-") for name in production["login"]["cookies"])


@pytest.mark.parametrize(("page", "status"), [("missing", 404), ("error", 500)])
def test_error_pages_reveal_no_trace_or_setting(production, page, status):
    response = production[page]
    assert response["status"] == status
    body = response["body"]
    assert "<h1>" in body
    for leak in ["Traceback", "secret internals", SECRET, "SECRET_KEY", "settings.py", "DEBUG"]:
        assert leak not in body
    assert "Content-Security-Policy" in response["headers"]


# CSRF and safe methods, in this process with the test settings.


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_posting_the_questionnaire_without_a_token_is_forbidden(csrf_client, market_research):
    response = csrf_client.post("/advisor/", {**WORK, **EXPERT_ANSWERS})
    assert response.status_code == 403
    assert not Recommendation.objects.exists()


def test_the_live_preview_saves_nothing_so_needs_no_token(csrf_client, market_research):
    response = csrf_client.post("/advisor/preview/", EXPERT_ANSWERS, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "KPO" in response.text
    assert not Recommendation.objects.exists()


def test_with_the_page_token_the_post_goes_through(csrf_client, market_research):
    page = csrf_client.get("/advisor/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = csrf_client.post(
        "/advisor/", {**WORK, **EXPERT_ANSWERS, "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    assert response["Location"] == Recommendation.objects.get().get_absolute_url()


def test_admin_login_and_changes_need_the_token(csrf_client, market_research):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    login = csrf_client.post(
        "/admin/login/", {"username": "boss", "password": "correct horse battery staple"}
    )
    assert login.status_code == 403
    csrf_client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:outsourcing_service_change", args=[market_research.pk])
    response = csrf_client.post(url, {"name": "Changed"})
    assert response.status_code == 403
    market_research.refresh_from_db()
    assert market_research.name == "Market research"
    logout = csrf_client.post("/admin/logout/")
    assert logout.status_code == 403


GET_PAGES = [
    "/",
    "/services/",
    "/services/market-research/",
    "/vendors/",
    "/vendors/?q=x&page=2",
    "/vendors/krakow-insight/",
    "/advisor/",
    "/advisor/?service=market-research",
    "/advisor/?task_complexity=5&skill_scarcity=5&decision_authority=5",
    "/admin/login/",
    "/admin/logout/",
]


@pytest.mark.parametrize("path", GET_PAGES)
def test_no_state_changes_on_get(client, market_research, path):
    counts = (Recommendation.objects.count(), Vendor.objects.count())
    response = client.get(path)
    assert response.status_code < 500
    assert (Recommendation.objects.count(), Vendor.objects.count()) == counts


def test_get_never_saves_a_recommendation_even_with_answers_in_the_query(client, market_research):
    client.get("/advisor/preview/", EXPERT_ANSWERS)
    client.get("/advisor/", {**EXPERT_ANSWERS, "submission_id": "x"})
    client.head("/advisor/", EXPERT_ANSWERS)
    assert not Recommendation.objects.exists()

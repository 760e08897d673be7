"""The production settings: `check --deploy` is clean, and the HTTPS switch is explicit."""

import importlib.util
import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from gunicorn.config import Config
from gunicorn.glogging import Logger

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "advisor.example.com",
    "DJANGO_SETTINGS_MODULE": "outsourcing.settings",
    # Behind one TLS-terminating load balancer, as docs/deploy.md describes.
    "ADVISOR_TRUSTED_PROXIES": "1",
}


def run(code_or_args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(PRODUCTION, **env)
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


def production_settings(**env: str) -> dict:
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_HTTPONLY",
        "STORAGES",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_passes_with_the_production_defaults():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_https_is_on_and_no_proxy_is_trusted():
    result = run(["manage.py", "check", "--deploy"], ADVISOR_TRUSTED_PROXIES="0")
    assert "outsourcing.W001" in result.stderr + result.stdout
    assert "Set ADVISOR_TRUSTED_PROXIES to the number of proxies" in result.stderr + result.stdout
    plain_http = run(
        ["manage.py", "check", "--deploy"], ADVISOR_TRUSTED_PROXIES="0", DJANGO_HTTPS="0"
    )
    assert "outsourcing.W001" not in plain_http.stderr + plain_http.stdout


def test_production_is_https_only_with_host_prefixed_cookies():
    values = production_settings()
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert "CompressedManifest" in values["STORAGES"]["staticfiles"]["BACKEND"]


def test_plain_http_needs_the_explicit_switch():
    values = production_settings(DJANGO_HTTPS="0")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert not values["SESSION_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    # ... and then check --deploy says so.
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], DJANGO_HTTPS="0")
    assert result.returncode != 0


def test_gunicorn_config_loads_the_app():
    result = run(["-m", "gunicorn", "--check-config", "-c", "gunicorn.conf.py"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_access_log_leaves_out_the_referer():
    # A share page's assets are requested with its link, a capability, as the Referer.
    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", settings.BASE_DIR / "gunicorn.conf.py"
    )
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    config = Config()
    config.set("access_log_format", conf.access_log_format)
    logger = Logger(config)
    referer = "https://advisor.example.com/r/Zm9vYmFyYmF6cXV4cXV1eA/"
    environ = {
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/static/site.css",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Firefox",
    }
    request = SimpleNamespace(headers=[("REFERER", referer), ("USER-AGENT", "Firefox")])
    response = SimpleNamespace(status="200 OK", headers=[], sent=512)
    atoms = logger.atoms_wrapper_class(logger.atoms(response, request, environ, timedelta(0)))
    line = config.access_log_format % atoms
    assert '"GET /static/site.css HTTP/1.1" 200 512' in line
    assert "203.0.113.9" in line and "Firefox" in line
    assert "Zm9vYmFyYmF6cXV4cXV1eA" not in line

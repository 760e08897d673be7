"""Two app servers behind one PostgreSQL database and one Redis, as in docs/deploy.md.

Starts two gunicorn instances with production settings on two ports, makes a
recommendation through one and reads it through the other, then edits the catalog
from a third process and sees the edit through the instance that had it cached.
PostgreSQL and Redis must be on 127.0.0.1 (5432, 6379): in CI (CI set) the test fails
without them; elsewhere it is skipped with the reason.
"""

import contextlib
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest
from django.conf import settings

POSTGRES = os.environ.get("TWO_INSTANCE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("TWO_INSTANCE_REDIS_URL", "redis://127.0.0.1:6379/6")
ANSWERS = {"task_complexity": "2", "skill_scarcity": "1", "decision_authority": "1"}
WORK_NAME = {"task_name": "Invoice keying"}


def reachable(url: str, default_port: int) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or default_port), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def services_up():
    missing = [
        name
        for name, url, port in [("PostgreSQL", POSTGRES, 5432), ("Redis", REDIS, 6379)]
        if not reachable(url, port)
    ]
    if missing:
        reason = f"{' and '.join(missing)} not reachable on 127.0.0.1"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must provide them.")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def deployment(services_up, tmp_path_factory):
    import psycopg
    import redis

    name = f"scale_two_instances_{os.getpid()}"
    admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    cache = redis.Redis.from_url(REDIS)
    cache.flushdb()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="outsourcing.settings",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(tmp_path_factory.mktemp("static")),
        DATABASE_URL=f"{POSTGRES}/{name}",
        REDIS_URL=REDIS,
        ADVISOR_RATE_LIMITS="0",
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESS_LOG="",
    )
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["load_catalog"]):
        manage(env, *command)
    servers = []
    try:
        for port in free_ports(2):
            servers.append((port, start(env, port)))
        yield {"env": env, "ports": [port for port, _ in servers]}
    finally:
        for _, process in servers:
            process.terminate()
            process.wait(timeout=20)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        cache.flushdb()


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def free_ports(count: int) -> list[int]:
    ports = []
    for port in range(8500, 8600):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)):
                ports.append(port)
        if len(ports) == count:
            return ports
    raise RuntimeError("no free ports from 8500 to 8599")


def start(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=settings.BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if request(port, "GET", "/").status == 200:
                return process
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn on {port} did not start")


class Response:
    def __init__(self, raw: http.client.HTTPResponse):
        self.status, self.headers = raw.status, raw.headers
        self.text = raw.read().decode(errors="replace")


def request(port: int, method: str, path: str, body=None, headers=None) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return Response(connection.getresponse())
    finally:
        connection.close()


def test_a_recommendation_made_on_one_instance_reads_on_the_other(deployment):
    first, second = deployment["ports"]
    form = request(first, "GET", "/advisor/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    cookie = form.headers["Set-Cookie"].split(";")[0]
    body = urllib.parse.urlencode({**WORK_NAME, **ANSWERS, "csrfmiddlewaretoken": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    made = request(first, "POST", "/advisor/", body, headers)
    assert made.status == 302, made.text[:500]
    path = urllib.parse.urlsplit(made.headers["Location"]).path

    page = request(second, "GET", path)
    assert page.status == 200
    assert "BPO" in page.text
    # The ETag is the same on both instances: a repeat visit is 304 on either.
    etag = page.headers["ETag"]
    assert request(first, "GET", path, headers={"If-None-Match": etag}).status == 304
    assert request(second, "GET", path, headers={"If-None-Match": etag}).status == 304


def test_a_catalog_edit_shows_on_every_instance(deployment):
    first, second = deployment["ports"]
    for port in (first, second):  # both cache the questionnaire and the directory
        assert "Data entry" in request(port, "GET", "/advisor/").text
        assert "Data entry" in request(port, "GET", "/vendors/").text
    manage(
        deployment["env"],
        "shell",
        "-c",
        "from outsourcing.models import Service; "
        "s = Service.objects.get(name='Data entry'); s.name = 'Data keying'; s.save()",
    )
    for port in (first, second):
        assert "Data keying" in request(port, "GET", "/advisor/").text
        assert "Data keying" in request(port, "GET", "/vendors/").text


def test_static_files_are_hashed_and_compressed(deployment):
    first, _ = deployment["ports"]
    html = request(first, "GET", "/advisor/").text
    css = re.search(r'href="(/static/outsourcing/site\.[0-9a-f]{12}\.css)"', html).group(1)
    response = request(first, "GET", css, headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] in {"br", "gzip"}
    assert "immutable" in response.headers["Cache-Control"]

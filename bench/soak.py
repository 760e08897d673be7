"""Soak test: simulated buyers against gunicorn with production settings, a worker killed
mid-load, a backup taken mid-load, and a count of every write at the end.

    make soak                                   # SQLite, in a fresh temporary folder
    make soak SOAK_ARGS="--database-url postgres://postgres@127.0.0.1:5432/secure_soak"

The PostgreSQL database named in the URL is dropped and created afresh. The script
exits non-zero when anything is lost, any response is a 5xx, SQLite reports
"database is locked", or a check fails. docs/reliability.md explains the figures.
"""

# locust patches the standard library for gevent on import, so it comes first.
from locust import FastHttpUser, between, task
from locust.env import Environment

# isort: split

import argparse
import collections
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import gevent
import psutil

from advisor.engine import Factor

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CATALOG = json.loads((ROOT / "fixtures" / "catalog.json").read_text())
SAMPLES = json.loads((ROOT / "fixtures" / "sample_vendors.json").read_text())
SERVICE_SLUGS = [row["fields"]["slug"] for row in CATALOG if row["model"] == "outsourcing.service"]
VENDOR_SLUGS = [row["fields"]["slug"] for row in SAMPLES if row["model"] == "outsourcing.vendor"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission_id" value="([^"]*)"')
RETRIES = 8

# What the simulated buyers saw; filled in by the Buyer class, read by main().
seen = collections.Counter()
tokens: set[str] = set()
status_codes = collections.Counter()
failing = collections.Counter()  # 5xx responses by page


def answers() -> dict:
    data = {"task_name": random.choice(["Payroll processing", "Market research", "Support"])}
    for factor in Factor:
        choices = ["1", "2", "3", "4", "5"] if factor.required else ["", "1", "2", "3", "4", "5"]
        data[factor.value] = random.choice(choices)
    if random.random() < 0.5:
        data["budget"] = str(random.randint(5, 200))
    if random.random() < 0.2:
        data["needs_24_7"] = "on"
    return data


class Buyer(FastHttpUser):
    """One buyer behind the load balancer: browses, answers, previews, submits, reads."""

    wait_time = between(0.5, 2.0)

    def on_start(self):
        # The app trusts one proxy (ADVISOR_TRUSTED_PROXIES=1): each buyer is an address.
        self.address = (
            f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        )
        self.links: list[str] = []

    def get(self, path, name, **headers):
        with self.client.get(
            path,
            name=name,
            headers={"X-Forwarded-For": self.address, **headers},
            catch_response=True,
        ) as response:
            self.tally(response)

    def tally(self, response):
        status_codes[response.status_code] += 1
        if response.status_code >= 500:
            seen["5xx"] += 1
            failing[response.request_meta["name"]] += 1
            response.failure(f"{response.status_code}")
        elif response.status_code == 0:
            seen["dropped"] += 1
            response.failure("connection dropped")
        elif response.status_code == 429:
            seen["429"] += 1
            response.success()
        elif response.status_code < 400 or response.status_code == 404:
            response.success()
        else:
            response.failure(f"{response.status_code}")

    @task(4)
    def browse(self):
        path, name = random.choice(
            [
                ("/", "/"),
                ("/services/", "/services/"),
                (f"/services/{random.choice(SERVICE_SLUGS)}/", "/services/<slug>/"),
                ("/vendors/", "/vendors/"),
                (f"/vendors/?service={random.choice(SERVICE_SLUGS)}", "/vendors/?service"),
                (f"/vendors/?q=data&page={random.randint(1, 3)}", "/vendors/?q&page"),
                (f"/vendors/{random.choice(VENDOR_SLUGS)}/", "/vendors/<slug>/"),
            ]
        )
        htmx = {"HX-Request": "true"} if path.startswith("/vendors/?") else {}
        self.get(path, name, **htmx)

    @task(3)
    def advise(self):
        start = "/advisor/"
        if random.random() < 0.3:
            start += f"?service={random.choice(SERVICE_SLUGS)}"
        with self.client.get(
            start,
            name="/advisor/",
            headers={"X-Forwarded-For": self.address},
            catch_response=True,
        ) as page:
            self.tally(page)
            if page.status_code != 200:
                return
            html = page.text
        csrf, submission = CSRF.search(html)[1], SUBMISSION.search(html)[1]
        data = answers()
        for count in range(random.randint(1, 3)):
            partial = dict(list(data.items())[: count + 2])
            with self.client.post(
                "/advisor/preview/",
                data={"csrfmiddlewaretoken": csrf, **partial},
                headers={
                    "X-Forwarded-For": self.address,
                    "HX-Request": "true",
                    "X-CSRFToken": csrf,
                },
                name="/advisor/preview/",
                catch_response=True,
            ) as response:
                self.tally(response)
        form = {"csrfmiddlewaretoken": csrf, "submission_id": submission, **data}
        link = self.submit(form)
        if link and random.random() < 0.1:
            # A double click: the same form again must land on the same link.
            seen["double submits"] += 1
            again = self.submit(form, name="/advisor/ (resent)")
            if again != link:
                seen["double submit on another link"] += 1
        if link:
            self.links.append(link)
            if random.random() < 0.5:
                self.get(link, "/r/<token>/")

    def submit(self, form, name="/advisor/ (submit)"):
        """POST the form; after a dropped connection or a 5xx, send the same form again,
        as a buyer pressing reload would. Idempotent submits make that safe."""
        for attempt in range(RETRIES):
            with self.client.post(
                "/advisor/",
                data=form,
                headers={"X-Forwarded-For": self.address},
                name=name,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                self.tally(response)
                status = response.status_code
                if status == 302:
                    link = response.headers["Location"]
                    tokens.add(link.rstrip("/").rsplit("/", 1)[-1])
                    seen["submits that succeeded"] += 1
                    if attempt:
                        seen["submits that succeeded on a retry"] += 1
                    return link
                if status == 429:
                    seen["submits refused (429)"] += 1
                    return None
                if status == 0 or status >= 500:
                    seen["submit retries"] += 1
                    gevent.sleep(0.5)
                    continue
                seen[f"submits answered {status}"] += 1
                return None
        seen["submits given up"] += 1
        return None

    @task(1)
    def reread(self):
        if self.links:
            self.get(random.choice(self.links), "/r/<token>/")


def busy_worker(master: int, port: int):
    """A worker holding an open client connection, so the kill cuts a request short."""
    for _ in range(200):
        workers = psutil.Process(master).children()
        for worker in workers:
            for connection in worker.net_connections(kind="tcp"):
                if connection.status == "ESTABLISHED" and connection.laddr.port == port:
                    return worker, True
        time.sleep(0.005)
    return random.choice(workers), False


def manage(env, *args, **kwargs):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        **kwargs,
    )


def recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


COUNT_ROWS = """
import json, django
django.setup()
from django.db import connection
from advisor.models import Recommendation
rows = list(Recommendation.objects.values_list("token", "result", "services", "vendors",
                                               "parameters", "verdict", "answers"))
out = {
    "tokens": [row[0] for row in rows],
    "incomplete": [row[0] for row in rows if not all([row[1], row[4], row[5], row[6]])
                   or row[2] is None or row[3] is None],
}
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        out["integrity"] = cursor.execute("PRAGMA integrity_check").fetchone()[0]
print(json.dumps(out))
"""


def count_rows(env) -> dict:
    result = subprocess.run(
        [PYTHON, "-c", COUNT_ROWS], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"Counting rows failed:\n{result.stderr}")
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL; default: a fresh SQLite file.")
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
    parser.add_argument("--port", type=int, default=8650)
    parser.add_argument(
        "--kill-at", type=float, nargs="+", default=[0.3, 0.45, 0.6], help="Shares of the run."
    )
    parser.add_argument("--backup-at", type=float, default=0.7, help="Share of the run.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="soak-"))
    url = args.database_url or f"sqlite:///{work / 'soak.sqlite3'}"
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    if engine == "PostgreSQL":
        recreate_postgres(url)
    host = f"127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "outsourcing.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",  # plain http on 127.0.0.1; see docs/deploy.md
        "DATABASE_URL": url,
        "ADVISOR_TRUSTED_PROXIES": "1",
        "GUNICORN_BIND": host,
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_ACCESS_LOG": "",
    }
    print(f"== soak on {engine}: {args.users} buyers, {args.seconds} s, {args.workers} workers")
    print(f"   cache: {'Redis' if env.get('REDIS_URL') else 'local memory (per worker)'}")
    for step in (
        ["migrate", "--noinput"],
        ["load_catalog", "--if-empty"],
        ["collectstatic", "--noinput"],
    ):
        result = manage(env, *step)
        if result.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(step)} failed:\n{result.stderr}")
    if (ROOT / "gunicorn.conf.py").exists():
        command = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    else:
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "outsourcing.wsgi",
            "--bind",
            host,
            "--workers",
            str(args.workers),
        ]
    log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                import urllib.request

                urllib.request.urlopen(f"http://{host}/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start; see " + str(work / "gunicorn.log"))

        # At the end each buyer finishes what it is doing, so no write is cut off unseen.
        environment = Environment(
            user_classes=[Buyer], host=f"http://{host}", stop_timeout=args.seconds
        )
        runner = environment.create_local_runner()
        runner.start(args.users, spawn_rate=args.users)
        started = time.monotonic()
        killed, backup = [], None
        while (elapsed := time.monotonic() - started) < args.seconds:
            if (
                len(killed) < len(args.kill_at)
                and elapsed >= args.seconds * args.kill_at[len(killed)]
            ):
                victim, busy = busy_worker(server.pid, args.port)
                os.kill(victim.pid, signal.SIGKILL)
                killed.append((victim.pid, round(elapsed, 1), busy))
                state = "in the middle of a request" if busy else "between requests"
                print(f"   {elapsed:5.1f} s  SIGKILL worker {victim.pid}, {state}")
            if backup is None and elapsed >= args.seconds * args.backup_at:
                target = work / ("backup.sqlite3" if engine == "SQLite" else "backup.dump")
                result = manage(env, "backup", str(target))
                backup = (target, result, round(elapsed, 1))
                print(f"   {elapsed:5.1f} s  backup: {(result.stdout or result.stderr).strip()}")
            gevent.sleep(0.2)
        runner.stop()
        runner.quit()
        stats = environment.stats.total
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    rows = count_rows(env)
    server_log = (work / "gunicorn.log").read_text()
    database_locked = server_log.count("database is locked")
    tracebacks = server_log.count("Traceback")
    workers_killed = server_log.count("was sent SIGKILL")
    db_tokens = set(rows["tokens"])
    lost = tokens - db_tokens
    unseen = db_tokens - tokens

    restored = None
    if backup and backup[1].returncode == 0:
        target = backup[0]
        if engine == "SQLite":
            restore_env = {**env, "DATABASE_URL": f"sqlite:///{target}"}
        else:
            restore_url = url.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1] + "_restore"
            recreate_postgres(restore_url)
            subprocess.run(
                ["pg_restore", "--no-owner", "--dbname", restore_url, str(target)],
                check=True,
                capture_output=True,
            )
            restore_env = {**env, "DATABASE_URL": restore_url}
        restored = count_rows(restore_env)

    figures = {
        "requests": stats.num_requests,
        "requests per second": round(stats.num_requests / args.seconds, 1),
        "median ms": stats.get_response_time_percentile(0.5),
        "95th percentile ms": stats.get_response_time_percentile(0.95),
        "status codes": dict(sorted(status_codes.items())),
        "5xx responses": seen["5xx"],
        **({"5xx by page": dict(failing)} if failing else {}),
        "connections dropped (the killed worker)": seen["dropped"],
        "submits that succeeded (distinct links)": len(tokens),
        **{
            key: value
            for key, value in sorted(seen.items())
            if key.startswith(("submit", "double"))
        },
        "recommendations in the database": len(db_tokens),
        "links the clients saw that are missing (lost writes)": len(lost),
        "rows no client saw": len(unseen),
        "partial recommendations": len(rows["incomplete"]),
        '"database is locked" in the server log': database_locked,
        "tracebacks in the server log": tracebacks,
        "workers killed with SIGKILL": ", ".join(
            f"{at} s ({'mid-request' if busy else 'idle'})" for _, at, busy in killed
        ),
        "kills gunicorn noted (and replaced the worker)": workers_killed,
    }
    if engine == "SQLite":
        figures["PRAGMA integrity_check"] = rows["integrity"]
    if restored is not None:
        figures["backup taken at"] = f"{backup[2]} s"
        figures["recommendations in the restored backup"] = len(restored["tokens"])
        figures["restored rows all in the live database"] = set(restored["tokens"]) <= db_tokens
        figures["partial recommendations in the backup"] = len(restored["incomplete"])
        if engine == "SQLite":
            figures["backup PRAGMA integrity_check"] = restored["integrity"]
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"   {key:<{width}}  {value}")

    problems = [
        name
        for name, bad in [
            ("5xx responses", seen["5xx"]),
            ("lost writes", lost),
            ("rows no client saw", unseen),
            ("partial recommendations", rows["incomplete"]),
            ("database is locked", database_locked),
            ("tracebacks", tracebacks),
            ("double submit on another link", seen["double submit on another link"]),
            ("integrity check", rows.get("integrity", "ok") != "ok"),
            ("no backup", restored is None),
            ("backup integrity", restored and restored.get("integrity", "ok") != "ok"),
            ("backup partial rows", restored and restored["incomplete"]),
            ("no successful submits", not tokens),
        ]
        if bad
    ]
    print("== " + ("NOTHING LOST" if not problems else "PROBLEMS: " + ", ".join(problems)))
    print(f"   logs and backup in {work}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

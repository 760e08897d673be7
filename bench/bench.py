"""The benchmark: every page against the framework's own limit, on this machine, in one run.

    make bench                       # or: .venv/bin/python bench/bench.py [--duration 10]

For SQLite (WAL), then PostgreSQL (skipped with a note when unreachable), it makes a
fresh database, loads the shipped catalog plus 10,000 synthetic vendors, starts the
app under gunicorn with production settings (DEBUG off, 2 workers, whitenoise) and
measures requests per second and p50/p99 latency with wrk for: a bare "hello" view
(mounted only by bench/settings.py), the questionnaire, the live-preview fragment,
the submit, a recommendation page, the directory filtered to one country and the
recommendation's PDF. Each page's throughput is printed as a ratio of the hello
view's, beside its floor. It also measures `/services/` while eight clients download
the PDF, scoring plus matching in-process, and the questionnaire's first load in
Chromium (bench/page_weight.py). It exits non-zero when a floor is missed. See
docs/performance.md for the method and the latest figures.
"""

import argparse
import http.client
import http.cookiejar
import math
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
VENDORS = 10_000
SERVICES = 40
WORKERS = 2
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/scale_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
# The work's name is required, as on the form; no service is chosen, so a submit
# matches vendors by the nature of the work across the whole catalog.
WORK = {"task_name": "Benchmark work"}
ANSWERS = {"task_complexity": "4", "skill_scarcity": "5", "decision_authority": "4"}
# Floors: each page's requests per second as a share of the hello view's.
TARGETS = {
    "questionnaire": 0.25,
    "preview": 0.5,
    "submit": 0.1,
    "recommendation": 0.5,
    "directory": 0.3,
    "pdf": 0.3,
}
# While PDF_CLIENTS download one brief's PDF, /services/ keeps its p50 within this
# multiple of its quiet p50.
PDF_CLIENTS = 8
UNDER_PDF_LOAD_MAX = 3.0

# wrk scripts. The submit sends a fresh submission id and varied answers each time, so
# every request really scores, matches 10,000 vendors and saves a recommendation.
POST_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["X-CSRFToken"] = "{token}"
{extra}
local template = "{template}"
math.randomseed(os.time() + tonumber(tostring({{}}):sub(8), 16))
local function hex(n)
  local s = ""
  for i = 1, n do s = s .. string.format("%x", math.random(0, 15)) end
  return s
end
request = function()
  local body = template
  body = body:gsub("ANSWER1", tostring(math.random(1, 5)))
  body = body:gsub("ANSWER2", tostring(math.random(1, 5)))
  body = body:gsub("ANSWER3", tostring(math.random(1, 5)))
  body = body:gsub("SUBMISSION", hex(32))
  return wrk.format(nil, nil, nil, body)
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="Seconds per page.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--vendors", type=int, default=VENDORS)
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="One database only.")
    args = parser.parse_args()
    wrk = ensure_wrk()
    print(f"Machine: {os.cpu_count()} cores; gunicorn {WORKERS} sync workers; wrk 1 thread, ")
    print(f"{args.connections} connections, {args.duration} s per page; {args.vendors} vendors.")
    misses: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        static_root = Path(tmp, "static")
        runs = []
        if args.only != "postgres":
            runs.append(("SQLite (WAL), file cache", f"sqlite:///{tmp}/bench.sqlite3", ""))
        if args.only != "sqlite":
            if reachable(POSTGRES_URL):
                redis = REDIS_URL if reachable(REDIS_URL) else ""
                label = "PostgreSQL, Redis cache" if redis else "PostgreSQL, file cache"
                runs.append((label, POSTGRES_URL, redis))
            else:
                print(f"\nPostgreSQL at {host_port(POSTGRES_URL)} is unreachable: skipped.")
        for number, (label, database_url, redis_url) in enumerate(runs):
            env = app_env(database_url, redis_url, static_root)
            prepare(env, database_url, redis_url, args.vendors, collect=number == 0)
            if number == 0:
                engine_timing(env)
            port = free_port()
            with gunicorn(env, port):
                base = f"http://127.0.0.1:{port}"
                if number == 0:
                    misses += page_weight(base)
                results, under_load = measure(wrk, base, args)
            misses += [f"{label}: {miss}" for miss in report(label, results, under_load)]
            if database_url.startswith("postgres"):
                drop_postgres(database_url)
    if misses:
        sys.exit("\nFloors missed:\n  " + "\n  ".join(misses))
    print("\nEvery floor met.")


def ensure_wrk() -> str:
    """wrk from Debian; installed with apt-get when missing and we may."""
    if found := shutil.which("wrk"):
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("Installing wrk with apt-get...")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-q"], check=False)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        return shutil.which("wrk") or sys.exit("wrk did not install.")
    sys.exit("The benchmark needs wrk: sudo apt-get install wrk (or brew install wrk).")


def app_env(database_url: str, redis_url: str, static_root: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",  # plain http on 127.0.0.1; see docs/deploy.md
        "ADVISOR_RATE_LIMITS": "0",
        "DATABASE_URL": database_url,
        "DJANGO_STATIC_ROOT": str(static_root),
        # Without Redis: a cache of this run's own, beside its static files.
        "DJANGO_CACHE_DIR": str(static_root.parent / "cache"),
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
        # No recycling mid-run: at 3,000 hello requests a second, the default of 20,000
        # a worker restarted each one every few seconds, emptying its page cache,
        # where a site's workers live for hours.
        "GUNICORN_MAX_REQUESTS": "0",
        "WEB_CONCURRENCY": str(WORKERS),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def prepare(env: dict, database_url: str, redis_url: str, vendors: int, collect: bool) -> None:
    if database_url.startswith("postgres"):
        drop_postgres(database_url)
        create_postgres(database_url)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    if collect:
        manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_catalog", "-v0")
    started = time.perf_counter()
    manage(env, "generate_catalog", "--vendors", str(vendors), "--services", str(SERVICES))
    print(f"\nLoaded {vendors} synthetic vendors in {time.perf_counter() - started:.1f} s.")
    if database_url.startswith("postgres"):
        # Statistics and visibility maps as a running site has them, so autovacuum
        # does not start on the freshly loaded tables in the middle of a measurement.
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")


def engine_timing(env: dict) -> None:
    out = subprocess.run(
        [PYTHON, "-m", "bench.engine_timing"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    print(out.stdout.rstrip())


class gunicorn:  # noqa: N801 - used as `with gunicorn(env, port):`
    def __init__(self, env: dict, port: int):
        self.env, self.port = env, port

    def __enter__(self):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/hello/", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        sys.exit("gunicorn did not start.")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def session(base: str):
    """An opener with cookies, the CSRF token, and one saved recommendation's path."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/advisor/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return opener, token, cookie


def create_recommendation(base: str, token: str, cookie: str) -> str:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = urllib.parse.urlencode({**WORK, **ANSWERS, "csrfmiddlewaretoken": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", "/advisor/", body=body, headers=headers)
    response = connection.getresponse()
    if response.status != 302:
        sys.exit(
            f"The submit answered {response.status}, not a redirect:\n{response.read()[:2000]}"
        )
    return urllib.parse.urlsplit(response.headers["Location"]).path


def measure(wrk: str, base: str, args) -> tuple[dict, dict]:
    opener, token, cookie = session(base)
    recommendation = create_recommendation(base, token, cookie)
    country = "PH"
    form = (
        f"{urllib.parse.urlencode(WORK)}"
        "&task_complexity=ANSWER1&skill_scarcity=ANSWER2&decision_authority=ANSWER3"
    )
    pages = [
        ("hello", "/hello/", None),
        ("questionnaire", "/advisor/", None),
        ("preview", "/advisor/preview/", (form, 'wrk.headers["HX-Request"] = "true"')),
        ("submit", "/advisor/", (form + "&submission_id=SUBMISSION", "")),
        ("recommendation", recommendation, None),
        ("directory", f"/vendors/?country={country}", None),
        ("pdf", f"{recommendation}pdf/", None),
    ]
    results = {}
    with tempfile.TemporaryDirectory() as scripts:
        for name, path, post in pages:
            command = [wrk, "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
            if post:
                script = Path(scripts, f"{name}.lua")
                template, extra = post
                script.write_text(
                    POST_SCRIPT.format(cookie=cookie, token=token, extra=extra, template=template)
                )
                command += ["-s", str(script)]
                command += ["-H", f"Referer: {base}/advisor/"]
            # One short warm-up fills the caches, as a running site has them.
            subprocess.run([*command[:3], "-d2s", *command[4:], base + path], capture_output=True)
            drain(base)
            # The hello view again just before each page, so a change in the machine's
            # other load during the run moves both figures of a ratio alike.
            hello = subprocess.run(
                [*command[:5], base + "/hello/"], capture_output=True, text=True
            ).stdout
            out = subprocess.run([*command, base + path], capture_output=True, text=True).stdout
            results[name] = {**parse_wrk(out), "hello": parse_wrk(hello)["rps"]}
    return results, under_pdf_load(wrk, base, f"{recommendation}pdf/", args)


def under_pdf_load(wrk: str, base: str, pdf: str, args) -> dict:
    """/services/'s p50 alone, then while PDF_CLIENTS download one brief's PDF. wrk's
    timeout is raised from 2 s, so that slow answers count rather than vanish."""
    command = [wrk, "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    command += ["--timeout", "30s"]
    services = base + "/services/"
    drain(base)
    subprocess.run([*command[:3], "-d2s", services], capture_output=True)
    quiet = parse_wrk(subprocess.run([*command, services], capture_output=True, text=True).stdout)
    # The downloads start first and end after, so they cover the whole measurement.
    downloads = subprocess.Popen(
        [wrk, "-t1", f"-c{PDF_CLIENTS}", f"-d{args.duration + 2}s", "--latency", base + pdf],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)
    loaded = parse_wrk(subprocess.run([*command, services], capture_output=True, text=True).stdout)
    pdf_out, _ = downloads.communicate()
    return {"quiet": quiet, "loaded": loaded, "pdf": parse_wrk(pdf_out)}


def drain(base: str) -> None:
    """Wait until the workers have answered what wrk left queued when it stopped (slow
    PDFs): one request, queued behind them."""
    urllib.request.urlopen(f"{base}/hello/", timeout=300).read()


def parse_wrk(out: str) -> dict:
    def latency(percent: str) -> float:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def report(label: str, results: dict, under_load: dict) -> list[str]:
    """Print the figures; return the floors missed."""
    misses = []
    print(f"\n{label}")
    print(
        f"{'page':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'hello/s':>9}"
        f"{'ratio':>8}{'target':>8}  met"
    )
    for name, result in results.items():
        ratio = result["rps"] / result["hello"] if result["hello"] else 0
        target = TARGETS.get(name)
        met = "" if target is None else ("yes" if ratio >= target else "NO")
        if met == "NO":
            misses.append(f"{name} {ratio:.2f} < {target:.2f}")
        if result["errors"]:
            misses.append(f"{name} answered {result['errors']} requests with an error")
        errors = f"  ({result['errors']} errors)" if result["errors"] else ""
        target_text = f"{target:.2f}" if target else ""
        print(
            f"{name:<16}{result['rps']:>9.0f}{result['p50']:>9.2f}{result['p99']:>9.2f}"
            f"{result['hello']:>9.0f}{ratio:>8.2f}{target_text:>8}  {met}{errors}"
        )
    quiet, loaded, pdf = under_load["quiet"], under_load["loaded"], under_load["pdf"]
    # No answer at all under load is the worst slowdown, not a p50 of 0.
    slowdown = loaded["p50"] / quiet["p50"] if loaded["requests"] else math.inf
    met = slowdown <= UNDER_PDF_LOAD_MAX
    if not met:
        misses.append(f"/services/ p50 under PDF load {slowdown:.1f}x > {UNDER_PDF_LOAD_MAX}x")
    print(
        f"/services/ while {PDF_CLIENTS} clients download the PDF ({pdf['rps']:.0f}/s, "
        f"p50 {pdf['p50']:.0f} ms): p50 {loaded['p50']:.2f} ms, quiet {quiet['p50']:.2f} ms, "
        f"{slowdown:.1f}x (at most {UNDER_PDF_LOAD_MAX:.0f}x)  {'yes' if met else 'NO'}"
    )
    return misses


def page_weight(base: str) -> list[str]:
    """The questionnaire's first load in Chromium, and one htmx fragment as sent."""
    load = subprocess.run(
        [PYTHON, "-m", "bench.page_weight", f"{base}/advisor/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    print(f"\n{load.stdout.rstrip()}{load.stderr.rstrip()}")
    opener, token, cookie = session(base)
    body = urllib.parse.urlencode({**WORK, **ANSWERS}).encode()
    request = urllib.request.Request(f"{base}/advisor/preview/", data=body)
    for header, value in {
        "X-CSRFToken": token,
        "HX-Request": "true",
        "Cookie": cookie,
        "Accept-Encoding": "gzip",
        "Referer": f"{base}/advisor/",
    }.items():
        request.add_header(header, value)
    with opener.open(request) as response:
        size, encoding = len(response.read()), response.headers.get("Content-Encoding")
    print(f"Preview fragment: {size / 1024:.1f} KB ({encoding or 'uncompressed'})")
    return ["questionnaire first load over its budget"] if load.returncode else []


def reachable(url: str) -> bool:
    host, port = host_port(url).split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
        return True
    except OSError:
        return False


def host_port(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


def _admin(url: str):
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    return psycopg.connect(admin, autocommit=True), parts.path.lstrip("/")


def create_postgres(url: str) -> None:
    connection, name = _admin(url)
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_postgres(url: str) -> None:
    connection, name = _admin(url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    for port in range(8500, 8600):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)):
                return port
    sys.exit("No free port from 8500 to 8599.")


if __name__ == "__main__":
    main()

"""Browser tests: Playwright drives the system Chromium against pytest-django's live server.

Every page a test opens is watched: a console error, an uncaught exception, a
Content-Security-Policy violation or a request to another origin fails the test.
Without Chromium the whole folder is skipped with one message; `playwright install`
is never needed.
"""

import os
import re
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from advisor import services
from advisor.engine import Factor, Task
from advisor.models import ScoringSettings
from tests.browser.helpers import DESKTOP

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made
# by the test itself (factories, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SKIP_MESSAGE = (
    f"Browser tests skipped: Chromium not found at {CHROMIUM}; install the Debian package chromium"
)
# A local server answers in milliseconds; fail fast rather than wait half a minute.
TIMEOUT_MS = 5_000
expect.set_options(timeout=TIMEOUT_MS)

# Reported by Chromium when an event listener sees a policy violation (init script below).
WATCH_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked}`);
});
"""


SKIPPED = pytest.StashKey[int]()


def pytest_collection_modifyitems(config, items):
    """Without Chromium, leave this folder out, and say so once at the end."""
    if CHROMIUM.exists():
        return
    here = Path(__file__).parent
    left_out = [item for item in items if here in item.path.parents]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if here not in item.path.parents]
        config.stash[SKIPPED] = len(left_out)


def pytest_terminal_summary(terminalreporter, config):
    if count := config.stash.get(SKIPPED, 0):
        terminalreporter.write_line(f"{SKIP_MESSAGE} ({count} tests).", yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(autouse=True)
def _migration_data(transactional_db):
    """The live server needs transactional tests, and those leave empty tables behind,
    rows made by data migrations included: put back the ones the app relies on."""
    editors = import_module("outsourcing.migrations.0002_catalog_editors_group")
    group, _ = Group.objects.get_or_create(name=editors.GROUP_NAME)
    codenames = [f"{a}_{m}" for m in editors.CATALOG_MODELS for a in editors.ACTIONS]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="outsourcing", codename__in=codenames)
    )
    ScoringSettings.objects.get_or_create(pk=1)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # One browser submits and previews far faster than a person; the limits have their
    # own tests.
    settings.ADVISOR_RATE_LIMITS = False


class Watcher:
    """Collects what would show a person something broken, or leak a request."""

    def __init__(self, origin: str):
        self.origin = origin
        self.problems: list[str] = []
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        """Accept console errors matching `pattern` (a page that is meant to be a 4xx)."""
        self.allowed.append(re.compile(pattern))

    def attach(self, context) -> None:
        context.add_init_script(WATCH_CSP)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"page error: {error.error}"))
        context.on("request", self._request)
        context.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" and not any(p.search(message.text) for p in self.allowed):
            self.problems.append(f"console error on {message.page.url}: {message.text}")

    def _response(self, response) -> None:
        text = f"status of {response.status} for {response.url}"
        if response.status >= 400 and not any(p.search(text) for p in self.allowed):
            self.problems.append(f"response with {text}")

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.problems.append(f"request to another origin: {request.url}")


@pytest.fixture
def watcher(live_server):
    return Watcher(live_server.url)


@pytest.fixture
def open_page(new_context, watcher, live_server):
    """Opens a watched page in a new browser context: `open_page(viewport=PHONE)`."""

    def open_(**context_args):
        context = new_context(base_url=live_server.url, viewport=DESKTOP, **context_args)
        context.set_default_timeout(TIMEOUT_MS)
        watcher.attach(context)
        return context.new_page()

    yield open_
    assert not watcher.problems, "\n".join(watcher.problems)


@pytest.fixture
def page(open_page):
    return open_page()


def make_recommendation(answers: dict[str, int], **preferences):
    return services.recommendation_create(
        task=Task("Customer research"),
        answers={Factor(key): value for key, value in answers.items()},
        preferences=preferences,
    )


BPO_ANSWERS = {
    "task_complexity": 1,
    "skill_scarcity": 2,
    "decision_authority": 1,
    "process_definition": 1,
    "customer_contact": 5,
}
KPO_ANSWERS = {
    "task_complexity": 5,
    "skill_scarcity": 5,
    "decision_authority": 4,
    "core_proximity": 4,
    "driving_force": 5,
}
HYBRID_ANSWERS = {
    "task_complexity": 4,
    "skill_scarcity": 2,
    "decision_authority": 4,
    "process_definition": 2,
    "customer_contact": 5,
}


@pytest.fixture
def recommendations_by_verdict(shipped_catalog):
    return {
        "bpo": make_recommendation(BPO_ANSWERS, countries=["PH"], needs_24_7=True),
        "kpo": make_recommendation(KPO_ANSWERS, budget=60),
        "hybrid": make_recommendation(HYBRID_ANSWERS),
    }

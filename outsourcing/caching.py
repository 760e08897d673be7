"""Caching that is safe with any number of app processes.

Two things live here.

Catalog data (filter choices, matching candidates, scoring parameters) is cached
under a *catalog version* kept in the shared cache (Redis when REDIS_URL is set).
Every save, delete or many-to-many change of a catalog model or of the scoring
settings bumps the version (signals below), so every process sees an edit on its
next request. A process also keeps its own copy of each value, but only uses it
while the shared version is unchanged: one cheap cache read per request. Answers
that may lag an edit by a second (the live preview, a new recommendation) can take
the version this process read last, if it is recent enough, and skip even that.

Rendered pages that are the same for everyone (the questionnaire, directory
results, a saved recommendation) are cached with *holes*: the per-response values
(the CSP nonce, the CSRF token, a form's submission id) are rendered as random
marks and filled in for each response. A cached page can therefore never hand one
visitor another visitor's nonce or token. Pages cached this way must not show
anything else that depends on the visitor (the signed-in user, messages).
"""

import hashlib
import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from time import monotonic

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

VERSION_KEY = "catalog:version"
# With the local-memory cache each process has its own version, so an edit made in
# one process reaches the others only when their version expires: keep that short.
# (Run more than one process only with REDIS_URL; see docs/deploy.md.)
LOCAL_MEMORY_VERSION_SECONDS = 30
DATA_SECONDS = 24 * 60 * 60
PAGE_SECONDS = 60 * 60

_local: dict[str, tuple[str, object]] = {}


def _shared_cache() -> bool:
    return not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.version = ""  # in a request: read the shared version once


def _request_finished(**kwargs) -> None:
    _request.version = None  # outside a request (commands, shells): read it every time


request_started.connect(_request_started, dispatch_uid="catalog-version-start")
request_finished.connect(_request_finished, dispatch_uid="catalog-version-finish")


# The version this process last read or set, and when (monotonic()).
_last_read: tuple[float, str] = (float("-inf"), "")


def catalog_version(max_age: float = 0) -> str:
    """The current catalog version, shared by every process using this cache; read
    once per request. With `max_age`, the version this process read or set at most
    that many seconds ago will do, without a read."""
    if held := getattr(_request, "version", None):
        return held
    read_at, version = _last_read
    if not max_age or monotonic() - read_at > max_age:
        version = _shared_version()
    return _hold(version)


def _hold(version: str) -> str:
    """Keep `version` for the rest of the request, if in one."""
    if getattr(_request, "version", None) is not None:
        _request.version = version
    return version


def _seen(version: str) -> str:
    """Remember `version` as the one this process read or set last, and when."""
    global _last_read
    _last_read = (monotonic(), version)
    return version


def _shared_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        timeout = None if _shared_cache() else LOCAL_MEMORY_VERSION_SECONDS
        if not cache.add(VERSION_KEY, version, timeout):
            version = cache.get(VERSION_KEY) or version
    return _seen(version)


def bump_catalog_version() -> None:
    """Make every process rebuild its catalog data and cached pages."""
    timeout = None if _shared_cache() else LOCAL_MEMORY_VERSION_SECONDS
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout)
    _hold(_seen(version))
    _local.clear()


def catalog_data[T](
    name: str,
    build: Callable[[], T],
    *,
    dump: Callable[[T], object] = lambda value: value,
    load: Callable[[object], T] = lambda value: value,  # type: ignore[assignment,return-value]
) -> T:
    """`build()`'s value, rebuilt once per catalog version across all processes.
    `dump` and `load` convert a value that cannot be pickled."""
    version = catalog_version()
    held = _local.get(name)
    if held is not None and held[0] == version:
        return held[1]  # type: ignore[return-value]
    # With the code's digest: a release that changes a value's shape must not read
    # what the one before it stored (both share Redis during a rolling deploy).
    key = f"catalog:{CODE_VERSION}:{version}:{name}"
    stored = cache.get(key)
    if stored is None:
        value = build()
        cache.set(key, dump(value), DATA_SECONDS)
    else:
        value = load(stored)
    _local[name] = (version, value)
    return value


def catalog_changed(sender, **kwargs) -> None:
    """Signal receiver: bump now (this transaction reads its own writes) and again on
    commit, so no other process caches rows from before the commit under the new
    version."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    bump_catalog_version()
    transaction.on_commit(bump_catalog_version)


def connect_signals() -> None:
    from advisor.models import Recommendation, ScoringSettings
    from outsourcing.models import Certification, Language, Service, ServiceCategory, Vendor

    for model in (ServiceCategory, Service, Language, Certification, Vendor, ScoringSettings):
        post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-save-{model}")
        post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-del-{model}")
    post_delete.connect(recommendation_deleted, sender=Recommendation, dispatch_uid="rec-del")
    for through in (
        Vendor.services.through,
        Vendor.languages.through,
        Vendor.certifications.through,
    ):
        m2m_changed.connect(catalog_changed, sender=through, dispatch_uid=f"catalog-m2m-{through}")


# The catalog data the public pages and the advisor need, one builder each.


def scoring_parameters():
    from advisor.engine.parameters import Parameters
    from advisor.models import ScoringSettings

    return catalog_data(
        "parameters",
        ScoringSettings.current_parameters,
        dump=lambda parameters: parameters.to_dict(),
        load=Parameters.from_dict,
    )


def preference_choices() -> dict:
    """The questionnaire's preference choices (and the directory's, with services)."""

    def build() -> dict:
        from outsourcing.models import Certification, Language, Vendor

        return {
            "countries_used": Vendor.objects.active().delivery_countries_in_use(),
            "languages": list(Language.objects.all()),
            "certifications": list(Certification.objects.all()),
        }

    return catalog_data("preference-choices", build)


def questionnaire_choices() -> dict:
    """The questionnaire's preference choices, shared by every form instance."""

    def build() -> dict:
        from advisor.forms import SharedChoices

        choices, names = preference_choices(), country_names()
        return {
            "countries": SharedChoices((code, names[code]) for code in choices["countries_used"]),
            "languages": SharedChoices((lang.code, lang.name) for lang in choices["languages"]),
            "certifications": SharedChoices((c.code, c.name) for c in choices["certifications"]),
        }

    return catalog_data("questionnaire-choices", build)


def directory_services() -> list:
    from outsourcing.models import Service

    return catalog_data(
        "directory-services", lambda: list(Service.objects.active().only("slug", "name"))
    )


def questionnaire_services() -> list:
    """Active services with their category, for the questionnaire's optgroups."""
    from outsourcing.models import Service

    return catalog_data(
        "questionnaire-services",
        lambda: list(
            Service.objects.active()
            .only("slug", "name", "category__name")
            .select_related("category")
            .order_by("category__position", "name")
        ),
    )


def service_candidates() -> list:
    from advisor.engine.matching import ServiceCandidate
    from outsourcing.models import Service

    return catalog_data(
        "service-candidates",
        lambda: Service.objects.active().candidates(),
        dump=lambda candidates: [
            (c.slug, c.name, c.process_type.value, dict(c.profile), c.id) for c in candidates
        ],
        load=lambda rows: [ServiceCandidate(*row) for row in rows],
    )


def vendor_pool():
    """The active vendors, in directory order, indexed by the services they offer."""
    from advisor.engine.matching import VendorPool
    from outsourcing.models import Vendor

    return catalog_data(
        "vendor-pool", lambda: VendorPool(Vendor.objects.active().order_by("pk").candidates())
    )


def country_names() -> dict[str, str]:
    """Names of the countries vendors deliver from (looking one up is slow)."""
    from django_countries import countries

    return catalog_data(
        "country-names",
        lambda: {code: countries.name(code) for code in preference_choices()["countries_used"]},
    )


def code_names() -> dict[str, dict[str, str]]:
    """Language and certification names by code."""
    from outsourcing.models import Certification, Language

    return catalog_data(
        "code-names",
        lambda: {
            "languages": dict(Language.objects.values_list("code", "name")),
            "certifications": dict(Certification.objects.values_list("code", "name")),
        },
    )


def _code_version() -> str:
    """A digest of the templates, the code and the static manifest: a new deploy
    must not serve pages rendered by the old one from a shared cache."""
    digest = hashlib.sha256()
    roots = [settings.BASE_DIR / "templates", settings.BASE_DIR / "outsourcing"]
    roots.append(settings.BASE_DIR / "advisor")
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.suffix in {".py", ".html"} and path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "", "staticfiles.json")
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def page_key(key: str) -> str:
    return f"page:{hashlib.sha256(f'{CODE_VERSION}:{key}'.encode()).hexdigest()[:40]}"


def recommendation_deleted(sender, instance, **kwargs) -> None:
    cache.delete(page_key(f"recommendation:{instance.token}"))


def catalog_cache_get(key: str) -> tuple[str, object]:
    """The catalog version and the value stored under `key` for that version (None
    when there is none, or only one from another version), in one round trip."""
    if held := getattr(_request, "version", None):
        version, stored = held, cache.get(key)
    else:
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        version = _hold(_seen(version) if version else _shared_version())
        stored = found.get(key)
    if stored is None or stored[0] != version:
        return version, None
    return version, stored[1]


def catalog_cache_set(key: str, version: str, value: object, timeout: int) -> None:
    """Store `value` under `key` for catalog `version` (see `catalog_cache_get`)."""
    cache.set(key, (version, value), timeout)


def cached_page(
    request: HttpRequest,
    key: str,
    template_name: str,
    build_context: Callable[[dict[str, str]], dict],
    *,
    fill: dict[str, Callable[[], str]] | None = None,
    timeout: int = PAGE_SECONDS,
    catalog: bool = False,
) -> HttpResponse:
    """Render `template_name` once for `key` and answer from the cache afterwards.

    `build_context(marks)` runs only on a miss; `marks` holds a random mark for each
    name in `fill` (use it where that per-response value goes). The CSP nonce and
    the CSRF token are always holes; a page without a form never asks for a token,
    so it sets no CSRF cookie. `catalog=True` is for pages drawn from catalog data:
    a copy serves only the catalog version it was rendered under.
    """
    fill = fill or {}
    full_key = page_key(key)
    if catalog:
        version, entry = catalog_cache_get(full_key)
    else:
        entry = cache.get(full_key)
    if entry is None:
        marks = {
            name: f"hole{secrets.token_hex(16)}" for name in ("csp_nonce", "csrf_token", *fill)
        }
        context = build_context(marks)
        context.update(csp_nonce=marks["csp_nonce"], csrf_token=marks["csrf_token"])
        html = render_to_string(template_name, context, request)
        # Stored encoded, so a hit neither decodes nor re-encodes the page.
        entry = (
            html.encode(),
            {name: mark.encode() for name, mark in marks.items() if mark in html},
        )
        if catalog:
            catalog_cache_set(full_key, version, entry, timeout)
        else:
            cache.set(full_key, entry, timeout)
    html, marks = entry
    nonce = get_nonce(request)  # a LazyNonce: falsy until str() makes it
    values = {
        "csp_nonce": lambda: "" if nonce is None else str(nonce),
        "csrf_token": lambda: get_token(request),
        **fill,
    }
    for name, mark in marks.items():
        html = html.replace(mark, values[name]().encode())
    return HttpResponse(html)


class ProcessMemo:
    """At most `size` values kept in this process's memory, least recently used
    dropped first. Only for values that are cheap to make again and are a pure
    function of their key (which then holds the catalog version): a process never
    depends on what another one has kept."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()  # runserver and threaded workers share it

    def get(self, key: Hashable) -> object:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def set(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            if len(self._values) > self.size:
                self._values.popitem(last=False)


def data_key(data) -> str:
    """A short, stable key for a QueryDict (a query string, say)."""
    items = sorted((k, v) for k, values in data.lists() for v in values)
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]

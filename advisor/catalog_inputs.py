"""What the advisor reads from the catalog and the scoring settings, cached under the
catalog version (outsourcing/catalog_version.py), so an edit reaches every process
on its next request. One function per value; nothing is cached in DEBUG.
"""

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django_countries import countries

from advisor.engine import ENGINE_VERSION
from advisor.engine.matching import ServiceCandidate, VendorPool
from advisor.engine.parameters import Parameters
from advisor.forms import SharedChoices
from advisor.models import ScoringSettings
from outsourcing.catalog_version import catalog_version
from outsourcing.models import Certification, Language, Service, Vendor

# A new catalog version makes new keys; the old values go when this runs out.
INPUT_SECONDS = 60 * 60


def cached[T](name: str, build: Callable[[], T], version: str | None = None) -> T:
    if settings.DEBUG:
        return build()
    # With the engine's version: a release that changes the engine's dataclasses must
    # not read what the one before it stored while both share Redis.
    key = f"advisor:{ENGINE_VERSION}:{version or catalog_version()}:{name}"
    return cast(T, cache.get_or_set(key, build, INPUT_SECONDS))


def scoring_parameters() -> Parameters:
    # Stored as a dict: Parameters holds a mapping proxy, which cannot be pickled.
    return kept_in_process(
        "parameters",
        lambda version: Parameters.from_dict(
            cached("parameters", lambda: ScoringSettings.current_parameters().to_dict(), version)
        ),
    )


def service_candidates() -> list[ServiceCandidate]:
    """The active services as matching sees them."""
    return kept_in_process(
        "service-candidates",
        lambda version: [
            ServiceCandidate(*row) for row in cached("service-candidates", service_rows, version)
        ],
    )


def service_rows() -> list[tuple]:
    # Stored as plain rows: a candidate's profile is a mapping proxy, which cannot be pickled.
    return [
        (c.slug, c.name, c.process_type.value, dict(c.profile), c.id)
        for c in Service.objects.active().candidates()
    ]


def vendor_pool() -> VendorPool:
    """The active vendors, in directory order, indexed by the services they offer."""
    return kept_in_process(
        "vendor-pool",
        lambda version: cached(
            "vendor-pool",
            lambda: VendorPool(Vendor.objects.active().order_by("pk").candidates()),
            version,
        ),
    )


# The engine's inputs as this process holds them, by name: (catalog version, value).
# Measured against making them again from the shared cache on each request: a pool of
# 10,000 vendors takes 72 ms to unpickle, 80 service candidates 0.9 ms to build,
# the parameters 0.2 ms to validate; a process copy takes 0.01 ms.
_process_copies: dict[str, tuple[str, object]] = {}


def kept_in_process[T](name: str, build: Callable[[str], T]) -> T:
    version = "" if settings.DEBUG else catalog_version()
    held = _process_copies.get(name)
    if settings.DEBUG or held is None or held[0] != version:
        held = _process_copies[name] = (version, build(version))
    return held[1]  # type: ignore[return-value]


def questionnaire_services() -> list[dict[str, str]]:
    """Active services by category, for the questionnaire's optgroups. Plain values:
    unpickling 80 model instances took 4.5 ms of every questionnaire."""
    return cached(
        "questionnaire-services",
        lambda: [
            {"slug": slug, "name": name, "category_name": category}
            for slug, name, category in Service.objects.active()
            .order_by("category__position", "name")
            .values_list("slug", "name", "category__name")
        ],
    )


def code_names() -> dict[str, dict[str, str]]:
    """Names by code: the countries vendors deliver from, languages, certifications."""

    def build() -> dict[str, dict[str, str]]:
        used = Vendor.objects.active().delivery_countries_in_use()
        return {
            "countries": {code: countries.name(code) for code in used},
            "languages": dict(Language.objects.values_list("code", "name")),
            "certifications": dict(Certification.objects.values_list("code", "name")),
        }

    return cached("code-names", build)


def questionnaire_choices() -> dict[str, SharedChoices]:
    """The questionnaire's preference choices, shared by every form instance."""
    return cached(
        "questionnaire-choices",
        lambda: {
            **{name: SharedChoices(names.items()) for name, names in code_names().items()},
            "task_services": SharedChoices(
                (service["slug"], service["name"]) for service in questionnaire_services()
            ),
        },
    )


def typical_profiles(slugs: list[str]) -> list[dict]:
    """The typical answers of the chosen active services."""
    return [service.profile for service in Service.objects.active().filter(slug__in=slugs)]

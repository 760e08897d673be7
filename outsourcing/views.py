"""Public pages of the catalog: home, services, the vendor directory."""

from typing import cast

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_countries import countries
from django_htmx.middleware import HtmxDetails

from advisor.engine import ProcessType, Verdict
from advisor.engine.questions import FACTOR_TEXTS
from outsourcing.catalog_version import catalog_version
from outsourcing.forms import ANY, SharedChoices, VendorFilterForm
from outsourcing.models import (
    SEARCH_WORDS_MAX,
    Certification,
    Language,
    Service,
    ServiceCategory,
    Vendor,
)

DIRECTORY_CHOICES_SECONDS = 60 * 60
# What a vendor card shows.
CARD_FIELDS = [
    "name", "slug", "pitch", "delivery_countries", "hourly_rate_min", "hourly_rate_max",
    "coverage", "is_verified", "is_sample",
]  # fmt: skip
CARD_SERVICES = 4
# Filters from the directory's lists. A page filtered only by these is kept in the
# process until the catalog changes: 0.9 ms instead of 43 ms to render from the
# database (in-process, 10,000 vendors).
LISTED_FILTERS = {
    "service",
    "process_type",
    "country",
    "language",
    "certification",
    "round_the_clock",
    "sort",
}
DIRECTORY_PAGE_SECONDS = 10 * 60


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_safe
def home(request: HtmxHttpRequest):
    counts = Service.objects.active().aggregate(
        bpo=Count("pk", filter=Q(process_type="bpo")),
        kpo=Count("pk", filter=Q(process_type="kpo")),
    )
    return render(
        request,
        "outsourcing/home.html",
        {
            "service_counts": counts,
            "vendor_count": Vendor.objects.active().count(),
            "bpo": ProcessType.BPO,
            "kpo": ProcessType.KPO,
            "hybrid": Verdict.HYBRID,
        },
    )


@require_safe
def service_list(request: HtmxHttpRequest):
    categories = ServiceCategory.objects.prefetch_related(
        Prefetch("services", queryset=Service.objects.active(), to_attr="active_services")
    )
    return render(
        request,
        "outsourcing/service_list.html",
        {
            "categories": [category for category in categories if category.active_services],
            "bpo": ProcessType.BPO,
            "kpo": ProcessType.KPO,
        },
    )


def profile_rows(service: Service) -> list[dict]:
    """The service's typical answers, labelled as the questionnaire labels them."""
    rows = []
    for factor, value in service.profile.items():
        choices = FACTOR_TEXTS[factor].choices
        rows.append(
            {
                "label": factor.label,
                "scale": f"1 {choices[0].label.lower()}, 5 {choices[-1].label.lower()}",
                "value": value,
            }
        )
    return rows


def published_or_preview(request: HttpRequest, queryset: QuerySet, slug: str):
    """The active entry of that slug; an inactive one only for a staff user who may view
    it in the admin, who gets its page as a preview before it is published."""
    found = get_object_or_404(queryset, slug=slug)
    model = queryset.model._meta
    if not found.is_active and not (
        request.user.is_staff
        and request.user.has_perm(f"{model.app_label}.view_{model.model_name}")
    ):
        raise Http404
    return found


def previewed(response: HttpResponse, entry: Service | Vendor) -> HttpResponse:
    """A preview is for its editor alone: kept by no cache, indexed by no search engine."""
    if not entry.is_active:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def service_detail(request: HtmxHttpRequest, slug: str):
    service = published_or_preview(request, Service.objects.select_related("category"), slug)
    vendors = list(
        service.vendors.active().order_by("-is_verified", "name")[: settings.VENDORS_PER_PAGE + 1]
    )
    response = render(
        request,
        "outsourcing/service_detail.html",
        {
            "service": service,
            "preview": not service.is_active,
            "profile_rows": profile_rows(service),
            "vendors": vendors[: settings.VENDORS_PER_PAGE],
            "more_vendors": len(vendors) > settings.VENDORS_PER_PAGE,
        },
    )
    return previewed(response, service)


@require_safe
@vary_on_headers("HX-Request")
def vendor_list(request: HtmxHttpRequest):
    # Read once: the choices and the kept page are both filed under it.
    version = catalog_version()
    choices = directory_choices(version)
    form = VendorFilterForm(request.GET, **choices)
    form.is_valid()
    notes = form.ignored_notes()
    filters = form.valid_filters()
    fragment = bool(request.htmx and not request.htmx.history_restore_request)
    page_number = request.GET.get("page", "1")
    key = None if notes else directory_page_key(filters, page_number, fragment, version)
    if key and (content := caches["rendered"].get(key)) is not None:
        return HttpResponse(content)

    vendors = (
        form.order(form.filter(Vendor.objects.active()))
        .only(*CARD_FIELDS)
        # The cards list active services only.
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.active().only("name", "slug", "process_type", "category"),
            )
        )
    )
    paginator = Paginator(vendors, settings.VENDORS_PER_PAGE)
    try:
        page = paginator.page(page_number)
    except PageNotAnInteger:
        notes.append(f"Ignored page “{page_number[:20]}”: showing the first page.")
        page = paginator.page(1)
    except EmptyPage:
        fallback = 1 if not page_number.isdigit() or int(page_number) < 1 else paginator.num_pages
        notes.append(f"There is no page {page_number[:20]}; showing page {fallback}.")
        page = paginator.page(fallback)
    page.object_list = list(page.object_list)  # queried here, not while rendering
    mentioned = mentioned_services(filters)
    response = render(
        request,
        "outsourcing/vendor_list.html#vendor-results"
        if fragment
        else "outsourcing/vendor_list.html",
        {
            # Redisplay only the filters in force, so a dropped junk value does not linger.
            "form": VendorFilterForm(initial=filters, **choices),
            "page": page,
            "cards": [card(vendor, filters, mentioned) for vendor in page.object_list],
            "notes": notes,
            "filters": filters,
            "filtered": bool(filters.keys() - {"sort"}),
            # The form's lists as one fragment, whatever the search text and rates: each
            # option renders through a template, and a page filtered by a rate took 53
            # to 59 ms without it, 12 ms with it (in-process, 10,000 to 300,000 vendors).
            "lists_key": [
                version,
                *sorted((k, v) for k, v in filters.items() if k in LISTED_FILTERS),
            ],
        },
    )
    if key and not notes:
        caches["rendered"].set(key, response.content, DIRECTORY_PAGE_SECONDS)
    return response


def mentioned_services(filters: dict) -> set[int]:
    """The services the search text names, as the search finds them."""
    mentioned: set[int] = set()
    for word in filters.get("q", "").split()[:SEARCH_WORDS_MAX]:
        mentioned.update(Service.objects.active().mentioning(word).values_list("pk", flat=True))
    return mentioned


def card(vendor: Vendor, filters: dict, mentioned: set[int]) -> dict:
    """A directory card: the vendor and its services, those most relevant to the
    filters first: the chosen service, then services the search text names, then
    those of the chosen kind or of the chosen service's category."""
    services = list(vendor.services.all())
    chosen = next((s for s in services if s.slug == filters.get("service")), None)

    def rank(service: Service) -> int:
        if service == chosen:
            return 0
        if service.pk in mentioned:
            return 1
        if service.process_type == filters.get("process_type") or (
            chosen and service.category_id == chosen.category_id
        ):
            return 2
        return 3

    services.sort(key=rank)
    return {
        "vendor": vendor,
        "services": services[:CARD_SERVICES],
        "more_services": len(services) - CARD_SERVICES,
    }


def directory_page_key(filters: dict, page_number: str, fragment: bool, version: str) -> str | None:
    """Where a directory page is kept, if it may be: only for filters picked from the
    lists (no search text, no rates), so no query string can add a page to the cache
    that the lists do not already allow; the page number only once it proved to exist."""
    if not filters.keys() <= LISTED_FILTERS or not page_number.isdigit():
        return None
    listed = urlencode(sorted(filters.items()))
    return f"directory:{version}:{int(fragment)}:{listed}:{page_number[:6]}"


def directory_choices(version: str) -> dict[str, SharedChoices]:
    """The directory's filter choices. Finding the countries in use reads every vendor,
    so they are kept in the process under the catalog `version`
    (outsourcing/catalog_version.py)."""

    def build() -> dict[str, SharedChoices]:
        used = Vendor.objects.active().delivery_countries_in_use()
        return {
            "services": SharedChoices(
                [*ANY, *Service.objects.active().values_list("slug", "name")]
            ),
            "countries": SharedChoices([*ANY, *((code, countries.name(code)) for code in used)]),
            "languages": SharedChoices(Language.objects.values_list("code", "name")),
            "certifications": SharedChoices(
                [*ANY, *Certification.objects.values_list("code", "name")]
            ),
        }

    key = f"directory-choices:{version}"
    return cast(dict, caches["rendered"].get_or_set(key, build, DIRECTORY_CHOICES_SECONDS))


@require_safe
def vendor_detail(request: HtmxHttpRequest, slug: str):
    vendor = published_or_preview(
        request,
        Vendor.objects.prefetch_related(
            Prefetch("services", queryset=Service.objects.active().select_related("category")),
            "languages",
            "certifications",
        ),
        slug,
    )
    response = render(
        request,
        "outsourcing/vendor_detail.html",
        {"vendor": vendor, "preview": not vendor.is_active},
    )
    return previewed(response, vendor)

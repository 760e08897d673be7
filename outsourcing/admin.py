"""Editing the catalog: the main tool of the product's editors."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django_countries import countries

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
from outsourcing.resources import (
    CatalogImportExportMixin,
    RateCardResource,
    ServiceResource,
    VendorResource,
)


def is_id(value) -> bool:
    text = str(value).strip()
    return text.isascii() and text.isdigit() and int(text) < 2**63


class IdsAutocomplete(AutocompleteSelectMultiple):
    """Redisplays a refused form without querying for ids that cannot exist (Django's
    widget passes them to the database and fails there)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [item for item in value if is_id(item)], attr)


class IdsField(forms.ModelMultipleChoiceField):
    """Refuses ids that are not whole numbers a database key can hold, before they reach
    a query: Django's own field lets an id past 2**63 through to the database, where it
    raises an error instead of a message."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if not is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


# The id field of each row of a list-editable changelist (its formset's prefix is "form").
LIST_EDIT_ID = re.compile(r"form-\d+-id")


class IdCheckingModelAdmin(admin.ModelAdmin):
    """Every admin of the project: a changelist post naming ids that cannot exist gets
    the list back with a message. Django passes a bulk action's ids, and a list edit's,
    to the database, which fails on text, decimals or numbers past what a key holds."""

    def changelist_view(self, request, extra_context=None):
        posted = [
            value
            for name, values in request.POST.lists()
            if name == ACTION_CHECKBOX_NAME or LIST_EDIT_ID.fullmatch(name)
            for value in values
        ]
        if not all(is_id(value) for value in posted):
            self.message_user(
                request,
                "The rows sent could not be read as records of this list, so nothing was "
                "changed. Please reload the page and try again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)


class DeliveryCountryFilter(admin.SimpleListFilter):
    title = "delivery country"
    parameter_name = "delivers_from"

    def lookups(self, request, model_admin):
        used = Vendor.objects.delivery_countries_in_use()
        return [(code, countries.name(code)) for code in sorted(used, key=countries.name)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(delivery_countries__contains=self.value())
        return queryset


class ActivatableAdmin(IdCheckingModelAdmin):
    """Bulk actions for models with an `is_active` flag that hides rows from buyers."""

    actions = ["activate", "deactivate"]

    @admin.action(description="Activate the selected %(verbose_name_plural)s")
    def activate(self, request, queryset):
        changed = queryset.update(is_active=True)
        self.message_user(request, f"Activated {changed} of them.", messages.SUCCESS)

    @admin.action(description="Deactivate the selected %(verbose_name_plural)s (hide from buyers)")
    def deactivate(self, request, queryset):
        changed = queryset.update(is_active=False)
        self.message_user(request, f"Deactivated {changed} of them.", messages.SUCCESS)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(IdCheckingModelAdmin):
    list_display = ["name", "position", "service_count"]
    list_editable = ["position"]
    # Counting makes a GROUP BY query, which ignores Meta.ordering.
    ordering = ["position", "name"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(service_count=Count("services"))

    @admin.display(description="services", ordering="service_count")
    def service_count(self, category):
        return category.service_count


@admin.register(Service)
class ServiceAdmin(CatalogImportExportMixin, ActivatableAdmin):
    resource_classes = [ServiceResource]
    list_display = ["name", "category", "process_type", "is_active", "vendor_count"]
    list_filter = ["process_type", "category", "is_active"]
    list_select_related = ["category"]
    ordering = ["name"]
    search_fields = ["name", "summary", "description", "typical_tasks"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "process_type", "is_active"]}),
        ("What it is", {"fields": ["summary", "description", "typical_tasks"]}),
        (
            "Typical answer profile (1 to 5)",
            {
                "description": "The answers a buyer outsourcing this service would typically "
                "give. The advisor matches buyers to services by these.",
                "fields": [
                    ("task_complexity", "skill_scarcity", "decision_authority"),
                    ("process_definition", "core_proximity", "customization"),
                    ("driving_force", "technology", "customer_contact"),
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(vendor_count=Count("vendors"))

    @admin.display(description="vendors", ordering="vendor_count")
    def vendor_count(self, service):
        return service.vendor_count


@admin.register(Vendor)
class VendorAdmin(CatalogImportExportMixin, ActivatableAdmin):
    resource_classes = [VendorResource]
    list_display = [
        "name",
        "headquarters",
        "rate_range",
        "coverage",
        "team_size",
        "is_active",
        "is_verified",
        "is_sample",
    ]
    list_filter = [
        "is_active",
        "is_verified",
        "is_sample",
        "services__process_type",
        "services__category",
        "headquarters",
        DeliveryCountryFilter,
        "certifications",
        "coverage",
    ]
    search_fields = ["name", "pitch", "description", "services__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["services"]
    filter_horizontal = ["languages", "certifications"]
    actions = ["activate", "deactivate", "mark_verified"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "pitch", "description", "website", "founded_year"]}),
        (
            "Contact",
            {
                "description": "Buyers' “Ask for a proposal” opens their own mail program "
                "with this address, or links the contact page.",
                "fields": ["contact_email", "contact_url"],
            },
        ),
        ("Services", {"fields": ["services"]}),
        (
            "Where and how they work",
            {
                "fields": [
                    "headquarters",
                    "delivery_countries",
                    "timezone",
                    "languages",
                    "coverage",
                    "team_size",
                ]
            },
        ),
        (
            "Price",
            {"fields": [("hourly_rate_min", "hourly_rate_max"), "minimum_engagement"]},
        ),
        ("Certifications", {"fields": ["certifications"]}),
        (
            "Status",
            {"fields": ["is_active", "is_verified", "is_sample", "created_at", "updated_at"]},
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = IdsAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, form_class=IdsField, **kwargs)

    @admin.display(description="rate (USD/h)", ordering="hourly_rate_min")
    def rate_range(self, vendor):
        return vendor.rate_range

    @admin.action(description="Mark the selected vendors as verified")
    def mark_verified(self, request, queryset):
        changed = queryset.update(is_verified=True)
        self.message_user(request, f"Marked {changed} vendor(s) as verified.", messages.SUCCESS)


@admin.register(Language)
class LanguageAdmin(IdCheckingModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Certification)
class CertificationAdmin(IdCheckingModelAdmin):
    list_display = ["name", "code", "description"]
    search_fields = ["name", "code", "description"]


@admin.register(RateCard)
class RateCardAdmin(CatalogImportExportMixin, IdCheckingModelAdmin):
    resource_classes = [RateCardResource]
    list_display = ["category", "country", "hourly_low", "hourly_high", "as_of", "source"]
    list_filter = ["category", "as_of"]
    search_fields = ["category__name", "source"]
    fieldsets = [
        (None, {"fields": ["category", "country", ("hourly_low", "hourly_high")]}),
        (
            "Source",
            {
                "description": "Buyers see the source, its link and its date beside "
                "every cost worked out from this card; older than a year is flagged.",
                "fields": ["source", "source_url", "as_of"],
            },
        ),
    ]


@admin.register(CountryCost)
class CountryCostAdmin(IdCheckingModelAdmin):
    list_display = ["country", "attrition_low", "attrition_high", "statutory_high", "as_of"]
    fieldsets = [
        (None, {"fields": ["country"]}),
        ("Staff turnover", {"fields": [("attrition_low", "attrition_high"), "attrition_source"]}),
        (
            "Statutory extras",
            {"fields": [("statutory_low", "statutory_high"), "statutory_basis"]},
        ),
        ("Source", {"fields": ["source_url", "as_of"]}),
    ]


@admin.register(CostAssumptions)
class CostAssumptionsAdmin(IdCheckingModelAdmin):
    fieldsets = [
        (None, {"fields": ["hours_per_week", "attrition"]}),
        (
            "Transition",
            {
                "fields": [
                    ("transition_months_low", "transition_months_high"),
                    "transition_output_lost",
                ]
            },
        ),
        ("Your own management", {"fields": [("management_hours_low", "management_hours_high")]}),
        ("Retraining", {"fields": [("retraining_weeks_low", "retraining_weeks_high")]}),
        ("Sources", {"fields": ["sources"]}),
    ]

    def has_add_permission(self, request):
        return not CostAssumptions.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExchangeRate)
class ExchangeRateAdmin(IdCheckingModelAdmin):
    list_display = ["currency", "name", "per_usd", "as_of", "source"]
    search_fields = ["currency", "name"]


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect, for models the user may view only. Django's own
    checks just that the user is staff, so a catalog editor could walk the object ids of
    saved recommendations to their share links."""
    try:
        content_type = ContentType.objects.get(pk=content_type_id)
    except (ObjectDoesNotExist, ValueError) as error:
        raise Http404 from error
    if not request.user.has_perm(f"{content_type.app_label}.view_{content_type.model}"):
        raise PermissionDenied
    return shortcut(request, content_type_id, object_id)

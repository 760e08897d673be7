"""Editing the catalog: the main tool of the product's editors."""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AdminRadioSelect, AutocompleteSelectMultiple
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin

from advisor.engine import FACTOR_TEXTS, Factor
from outsourcing import history
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
    needs_review,
    review_due_before,
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


class ChipsAutocomplete(AutocompleteSelectMultiple):
    """The admin's searchable multi-select, without select2's clear-everything button: each
    pick has its own remove button, and the extra one sits inside the list of picks,
    where screen readers (and axe-core) expect only list items."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), "data-allow-clear": "false"}


class IdsAutocomplete(ChipsAutocomplete):
    """Redisplays a refused form without querying for ids that cannot exist (Django's
    widget passes them to the database and fails there)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [item for item in value if is_id(item)], attr)


class CountriesAutocomplete(ChipsAutocomplete):
    """The services' searchable multi-select for a list of countries: options come from
    the vendor admin's country search (VendorAdmin.country_search), not a related model."""

    def get_url(self):
        return reverse(f"{self.admin_site.name}:outsourcing_vendor_countries")

    def optgroups(self, name, value, attr=None):
        chosen = [code for code in value if code in countries]
        options = [
            self.create_option(name, code, countries.name(code), True, index)
            for index, code in enumerate(chosen)
        ]
        return [(None, options, 0)]


def name_rank(term: str) -> Case:
    """0 for a name that starts with the term, 1 for one that contains it, 2 for the rest."""
    return Case(
        When(name__istartswith=term, then=Value(0)),
        When(name__icontains=term, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def service_label(service) -> str:
    return f"{service.name} · {service.category.name}"


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


class ServicesField(IdsField):
    """A vendor's services, each shown with its category, as the autocomplete offers it."""

    def label_from_instance(self, obj):
        return service_label(obj)


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


class NameFirstSearch:
    """Search results (the autocomplete's options above all) with names that start with
    the text first, then names that contain it, then matches in other fields: typing
    "Website" offers "Website build" before a service whose summary mentions websites."""

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        if term := search_term.strip():
            queryset = queryset.annotate(name_rank=name_rank(term)).order_by("name_rank", "name")
        return queryset, may_have_duplicates


class HeadquartersFilter(admin.SimpleListFilter):
    """The countries vendors have their headquarters in, not all 249."""

    title = "headquarters"
    parameter_name = "headquarters__exact"

    def lookups(self, request, model_admin):
        used = Vendor.objects.order_by().values_list("headquarters", flat=True).distinct()
        return [(code, countries.name(code)) for code in sorted(used, key=countries.name)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(headquarters=self.value())
        return queryset


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


class CatalogAdmin(SimpleHistoryAdmin, IdCheckingModelAdmin):
    """A catalog model's admin, with its history: each change, who made it, and each
    field before and after (django-simple-history's "History" page)."""

    def save_model(self, request, obj, form, change):
        if change:
            # The state before the change, if no history holds it yet.
            history.record(
                self.model, [obj.pk], reason=history.BEFORE_HISTORY, unrecorded_only=True
            )
        super().save_model(request, obj, form, change)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        if any(field.many_to_one for field in self.model._meta.fields):
            return super().get_history_queryset(request, history_manager, pk_name, object_id)
        # simple-history calls select_related() with no fields for a model with no
        # foreign key, which Django deprecates.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version is shown, never saved back: simple-history would save a posted
        # version for anyone who may read the history.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def update_recorded(self, request, queryset, reason: str, **changes) -> int:
        """`queryset.update(**changes)` for a bulk action, recorded in each row's history."""
        ids = list(queryset.values_list("pk", flat=True))
        history.record(self.model, ids, reason=history.BEFORE_HISTORY, unrecorded_only=True)
        changed = self.model._default_manager.filter(pk__in=ids).update(**changes)
        history.record(self.model, ids, user=request.user, reason=reason)
        return changed


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        months = settings.CATALOG_REVIEW_MONTHS
        return [
            ("due", f"Needs review (never, or over {months} months ago)"),
            ("current", f"Reviewed in the last {months} months"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(needs_review())
        if self.value() == "current":
            return queryset.filter(reviewed_on__gte=review_due_before())
        return queryset


class ReviewedAdmin(CatalogAdmin):
    """Models with a last review (outsourcing.models.Reviewed): an edit of a reviewed
    field in the admin, or the "Mark reviewed" action, stamps today and the editor."""

    actions = ["mark_reviewed"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "reviewed_on", "reviewed_by"]

    def save_model(self, request, obj, form, change):
        # Many-to-many fields (certifications) are in changed_data too.
        if set(form.changed_data) & set(obj.REVIEWED_FIELDS):
            obj.reviewed_on = timezone.localdate()
            obj.reviewed_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(
        description="Mark the selected %(verbose_name_plural)s reviewed today",
        permissions=["change"],
    )
    def mark_reviewed(self, request, queryset):
        changed = self.update_recorded(
            request,
            queryset,
            "Marked reviewed",
            reviewed_on=timezone.localdate(),
            reviewed_by=request.user,
        )
        self.message_user(request, f"Marked {changed} reviewed today.", messages.SUCCESS)


class ActivatableAdmin(CatalogAdmin):
    """Bulk actions for models with an `is_active` flag that hides rows from buyers."""

    actions = ["activate", "deactivate"]
    readonly_fields = ["public_page"]

    @admin.display(description="public page")
    def public_page(self, obj):
        """An inactive entry's page opens as a preview for editors (outsourcing/views.py)."""
        if obj is None or obj.pk is None:
            return "—"
        label = "View the public page" if obj.is_active else "Preview the public page"
        return format_html('<a href="{}" target="_blank">{}</a>', obj.get_absolute_url(), label)

    @admin.action(description="Activate the selected %(verbose_name_plural)s")
    def activate(self, request, queryset):
        changed = self.update_recorded(request, queryset, "Activated", is_active=True)
        self.message_user(request, f"Activated {changed} of them.", messages.SUCCESS)

    @admin.action(description="Deactivate the selected %(verbose_name_plural)s (hide from buyers)")
    def deactivate(self, request, queryset):
        changed = self.update_recorded(request, queryset, "Deactivated", is_active=False)
        self.message_user(request, f"Deactivated {changed} of them.", messages.SUCCESS)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(CatalogAdmin):
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


def profile_answer_field(factor: Factor) -> forms.TypedChoiceField:
    """One typical answer, chosen by the question and the choices the buyer reads."""
    text = FACTOR_TEXTS[factor]
    return forms.TypedChoiceField(
        label=text.question,
        choices=[(choice.value, choice.text) for choice in text.choices],
        coerce=int,
        widget=AdminRadioSelect,
    )


@admin.register(Service)
class ServiceAdmin(CatalogImportExportMixin, NameFirstSearch, ActivatableAdmin):
    resource_classes = [ServiceResource]
    list_display = ["name", "category", "process_type", "is_active", "vendor_count"]
    list_filter = ["process_type", "category", "is_active"]
    list_select_related = ["category"]
    ordering = ["name"]
    search_fields = ["name", "summary", "description", "typical_tasks"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "category", "process_type", ("is_active", "public_page")]},
        ),
        ("What it is", {"fields": ["summary", "description", "typical_tasks"]}),
        (
            "Typical answer profile",
            {
                "description": "The answers a buyer outsourcing this service would typically "
                "give, in the words the buyer reads. The advisor matches buyers to "
                "services by these.",
                "fields": [factor.value for factor in Factor],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .annotate(vendor_count=Count("vendors"))
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in Factor:
            return profile_answer_field(Factor(db_field.name))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def autocomplete_label(self, service):
        return service_label(service)

    @admin.display(description="vendors", ordering="vendor_count")
    def vendor_count(self, service):
        return service.vendor_count


@admin.register(Vendor)
class VendorAdmin(CatalogImportExportMixin, ReviewedAdmin, ActivatableAdmin):
    resource_classes = [VendorResource]
    list_display = [
        "name",
        "headquarters",
        "rate_range",
        "coverage",
        "team_size",
        # Short headings, so the list fits a 1440 px screen beside both sidebars.
        "active",
        "verified",
        "sample",
    ]
    list_filter = [
        "is_active",
        "is_verified",
        "is_sample",
        NeedsReviewFilter,
        "services__process_type",
        "services__category",
        HeadquartersFilter,
        DeliveryCountryFilter,
        "certifications",
        "coverage",
    ]
    search_fields = ["name", "pitch", "description", "services__name"]
    prepopulated_fields = {"slug": ["name"]}
    # One searchable multi-select for every many-valued field: a pick never drops another.
    autocomplete_fields = ["services", "languages", "certifications"]
    actions = ["activate", "deactivate", "mark_verified", "mark_reviewed"]
    readonly_fields = ["created_at", "updated_at", "public_page"]
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
            {
                "fields": [
                    ("is_active", "public_page"),
                    "is_verified",
                    "is_sample",
                    ("reviewed_on", "reviewed_by"),
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = IdsAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        form_class = IdsField
        if db_field.name == "services":
            kwargs["queryset"] = Service.objects.select_related("category")
            form_class = ServicesField
        return super().formfield_for_manytomany(db_field, request, form_class=form_class, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "delivery_countries":
            kwargs["widget"] = CountriesAutocomplete(db_field, self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        search = path(
            "countries/",
            self.admin_site.admin_view(self.country_search),
            name="outsourcing_vendor_countries",
        )
        return [search, *super().get_urls()]

    def country_search(self, request):
        """Countries for the delivery countries' autocomplete, as select2 reads them:
        names that start with the text first, then names that contain it, then codes."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("term", "").strip().casefold()
        matches = [
            (
                0 if name.casefold().startswith(term) else 1 if term in name.casefold() else 2,
                name,
                code,
            )
            for code, name in countries
            if term in name.casefold() or term == code.casefold()
        ]
        return JsonResponse(
            {
                "results": [{"id": code, "text": name} for _, name, code in sorted(matches)],
                "pagination": {"more": False},
            }
        )

    @admin.display(description="rate (USD/h)", ordering="hourly_rate_min")
    def rate_range(self, vendor):
        return vendor.rate_range

    @admin.display(boolean=True, ordering="is_active")
    def active(self, vendor):
        return vendor.is_active

    @admin.display(boolean=True, ordering="is_verified")
    def verified(self, vendor):
        return vendor.is_verified

    @admin.display(boolean=True, ordering="is_sample")
    def sample(self, vendor):
        return vendor.is_sample

    @admin.action(description="Mark the selected vendors as verified")
    def mark_verified(self, request, queryset):
        changed = self.update_recorded(request, queryset, "Marked verified", is_verified=True)
        self.message_user(request, f"Marked {changed} vendor(s) as verified.", messages.SUCCESS)


@admin.register(Language)
class LanguageAdmin(NameFirstSearch, CatalogAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Certification)
class CertificationAdmin(NameFirstSearch, CatalogAdmin):
    list_display = ["name", "code", "description"]
    search_fields = ["name", "code", "description"]


@admin.register(RateCard)
class RateCardAdmin(CatalogImportExportMixin, ReviewedAdmin):
    resource_classes = [RateCardResource]
    list_display = [
        "category", "country", "hourly_low", "hourly_high", "as_of", "source", "reviewed_on",
    ]  # fmt: skip
    list_filter = ["category", "as_of", NeedsReviewFilter]
    search_fields = ["category__name", "source"]
    fieldsets = [
        (None, {"fields": ["category", "country", ("hourly_low", "hourly_high")]}),
        (
            "Source",
            {
                "description": "Buyers see the source, its link and its date beside "
                "every cost worked out from this card; older than a year is flagged.",
                "fields": ["source", "source_url", "as_of", ("reviewed_on", "reviewed_by")],
            },
        ),
    ]


@admin.register(CountryCost)
class CountryCostAdmin(CatalogAdmin):
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
class CostAssumptionsAdmin(CatalogAdmin):
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
class ExchangeRateAdmin(CatalogAdmin):
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

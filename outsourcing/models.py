"""The catalog: categories of outsourced services, the services, and vendor profiles."""

from collections.abc import Iterable
from datetime import date
from typing import Self, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_countries import countries
from django_countries.fields import CountryField, MultipleCountriesDescriptor
from simple_history.models import HistoricalRecords

from advisor.engine import ANSWER_MAX, ANSWER_MIN, Factor, ProcessType, default_timezone
from advisor.engine.matching import ServiceCandidate, VendorCandidate
from outsourcing.catalog_version import CatalogQuerySet

# Words of a directory search that count; the rest are ignored.
SEARCH_WORDS_MAX = 5
PROCESS_TYPE_CHOICES = [(kind.value, kind.label) for kind in ProcessType]
# Every catalog model keeps its history (django-simple-history, `history`): who
# changed what, each field before and after, listed in the admin. Saves and deletes
# record it; bulk writes (`update()`, `bulk_create()`, fixture loads) do not, and the
# admin's bulk actions record theirs themselves (outsourcing/history.py).


def profile_field(help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(ANSWER_MIN, f"Use a value from {ANSWER_MIN} to {ANSWER_MAX}."),
            MaxValueValidator(ANSWER_MAX, f"Use a value from {ANSWER_MIN} to {ANSWER_MAX}."),
        ],
        help_text=help_text,
    )


def validate_not_in_future(year: int) -> None:
    this_year = timezone.now().year
    if year > this_year:
        raise ValidationError(
            "The founding year %(year)s is in the future; use %(this_year)s or earlier.",
            code="future_year",
            params={"year": year, "this_year": this_year},
        )


def validate_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            "“%(name)s” is not an IANA time zone, such as Asia/Manila.",
            code="timezone",
            params={"name": name},
        ) from error


# One manager class for the catalog models whose queryset is CatalogQuerySet, made here:
# with django-simple-history's models in the app registry, django-stubs resolves no
# `CatalogQuerySet.as_manager()` written in this module (django-simple-history#1259).
CatalogManager = models.Manager.from_queryset(CatalogQuerySet)


def review_due_before() -> date:
    """Reviews before this day are out of date: CATALOG_REVIEW_MONTHS ago."""
    today = timezone.localdate()
    months = today.year * 12 + today.month - 1 - settings.CATALOG_REVIEW_MONTHS
    year, month = divmod(months, 12)
    return today.replace(year=year, month=month + 1, day=min(today.day, 28))


def needs_review() -> Q:
    """Entries never reviewed or reviewed longer ago than CATALOG_REVIEW_MONTHS."""
    return Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=review_due_before())


class Reviewed(models.Model):
    """When an editor last checked the entry's rates, certifications and contacts
    against their source, and who: set by the admin's "Mark reviewed" action and by
    every admin change of a field in REVIEWED_FIELDS."""

    REVIEWED_FIELDS: tuple[str, ...] = ()

    reviewed_on = models.DateField("last reviewed", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="reviewed by",
    )

    class Meta:
        abstract = True


class ServiceCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Categories are listed in ascending order of this number."
    )

    objects = CatalogManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "service categories"

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(CatalogQuerySet):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def mentioning(self, word: str) -> Self:
        """Services whose name, summary or typical tasks contain the word. Scans the
        text of a few dozen rows, never the vendor table."""
        return self.filter(
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(typical_tasks__icontains=word)
        )

    def candidates(self) -> list[ServiceCandidate]:
        """The services as the advisor's matching sees them."""
        fields = ["pk", "slug", "name", "process_type", *(factor.value for factor in Factor)]
        return [
            ServiceCandidate(
                slug=row["slug"],
                name=row["name"],
                process_type=ProcessType(row["process_type"]),
                profile={factor: row[factor.value] for factor in Factor},
                id=row["pk"],
            )
            for row in self.values(*fields)
        ]


class Service(models.Model):
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    process_type = models.CharField(max_length=3, choices=PROCESS_TYPE_CHOICES)
    summary = models.CharField(max_length=240, help_text="One sentence, shown in lists.")
    description = models.TextField()
    typical_tasks = models.TextField(help_text="One task per line.")
    is_active = models.BooleanField(
        default=True, help_text="Inactive services are hidden from the public pages."
    )

    # The answers a buyer outsourcing this service would typically give, 1 to 5.
    task_complexity = profile_field("1 routine and scripted, 5 novel and analytical.")
    skill_scarcity = profile_field("1 widely available skills, 5 rare expertise.")
    decision_authority = profile_field("1 follows fixed rules, 5 makes business decisions.")
    process_definition = profile_field("1 documented step by step, 5 needs interpretation.")
    core_proximity = profile_field("1 a support function, 5 the core competence.")
    customization = profile_field("1 the same for every client, 5 bespoke.")
    driving_force = profile_field("1 lower cost, 5 expertise the business lacks.")
    technology = profile_field("1 basic office tools, 5 advanced analytics.")
    customer_contact = profile_field("1 no customer contact, 5 talking to customers is the job.")

    objects = ServiceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outsourcing:service_detail", args=[self.slug])

    @property
    def profile(self) -> dict[Factor, int]:
        return {factor: getattr(self, factor.value) for factor in Factor}

    @property
    def process_kind(self) -> ProcessType:
        return ProcessType(self.process_type)

    @property
    def typical_task_list(self) -> list[str]:
        return [line.strip() for line in self.typical_tasks.splitlines() if line.strip()]


class Language(models.Model):
    code = models.SlugField(max_length=12, unique=True, help_text="An ISO 639 code, e.g. en.")
    name = models.CharField(max_length=60, unique=True)

    objects = CatalogManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Certification(models.Model):
    code = models.SlugField(max_length=30, unique=True, help_text="e.g. iso-27001.")
    name = models.CharField(max_length=60, unique=True)
    description = models.CharField(max_length=240, blank=True)

    objects = CatalogManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VendorQuerySet(CatalogQuerySet):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def update(self, **kwargs) -> int:
        if not kwargs.keys() & OFFERS_READ:
            # Nothing matching's copies hold (a review date, a description).
            return super().update(**kwargs)
        # Captured first: the update may change what the queryset selects.
        ids = list(self.values_list("pk", flat=True))
        changed = super().update(**kwargs)
        ServiceOffer.objects.refresh(ids)
        return changed

    def offering(self, services: Iterable["Service"]) -> Self:
        return self.filter(services__in=services).distinct()

    def search(self, text: str) -> Self:
        """Vendors matching every word of the text in their name, pitch or description,
        or in the name, summary or typical tasks of an active service they offer.

        Each word is a UNION of the two, not an OR: PostgreSQL answers each side from
        its own index (trigram indexes on the vendor's text, migration 0006) instead of
        reading every vendor's description."""
        vendors = self
        for word in text.split()[:SEARCH_WORDS_MAX]:
            by_text = Vendor.objects.filter(
                Q(name__icontains=word) | Q(pitch__icontains=word) | Q(description__icontains=word)
            )
            by_service = Vendor.services.through.objects.filter(
                service__in=Service.objects.active().mentioning(word)
            )
            vendors = vendors.filter(
                pk__in=by_text.order_by()
                .values("pk")
                .union(by_service.order_by().values("vendor_id"))
            )
        return vendors

    def delivery_countries_in_use(self) -> list[str]:
        """Every country code these vendors deliver from, sorted."""
        used: set[str] = set()
        # Few distinct lists however many vendors: let the database fold them.
        for codes in self.order_by().values_list("delivery_countries", flat=True).distinct():
            used.update(code for code in codes.split(",") if code)
        return sorted(used)

    def candidates(self) -> list[VendorCandidate]:
        """The vendors as the advisor's matching sees them, with their active services,
        in one query: each many-to-many table is read by a subquery joining its codes."""
        rows = self.annotate(
            service_codes=_joined_codes(
                Vendor.services.through.objects.filter(service__is_active=True), "service__slug"
            ),
            language_codes=_joined_codes(Vendor.languages.through.objects.all(), "language__code"),
            certification_codes=_joined_codes(
                Vendor.certifications.through.objects.all(), "certification__code"
            ),
        ).values_list(
            "pk",
            "slug",
            "name",
            "delivery_countries",
            "hourly_rate_min",
            "hourly_rate_max",
            "coverage",
            "is_verified",
            "is_sample",
            "timezone",
            "service_codes",
            "language_codes",
            "certification_codes",
        )
        return [
            VendorCandidate(
                slug=slug,
                name=name,
                services=_split(services),
                countries=_split(countries),
                languages=_split(languages),
                certifications=_split(certifications),
                rate_min=rate_min,
                rate_max=rate_max,
                is_24_7=coverage == Vendor.Coverage.ROUND_THE_CLOCK,
                is_verified=is_verified,
                id=pk,
                is_sample=is_sample,
                timezone=zone,
            )
            for (
                pk,
                slug,
                name,
                countries,
                rate_min,
                rate_max,
                coverage,
                is_verified,
                is_sample,
                zone,
                services,
                languages,
                certifications,
            ) in rows
        ]


def _joined_codes(through_rows: models.QuerySet, code_field: str) -> models.Subquery:
    return models.Subquery(
        through_rows.filter(vendor_id=models.OuterRef("pk"))
        .values("vendor_id")
        .annotate(codes=models.StringAgg(code_field, models.Value(",")))
        .values("codes")
    )


def _split(codes: str | None) -> frozenset[str]:
    return frozenset(code for code in (codes or "").split(",") if code)


class Vendor(Reviewed):
    class Coverage(models.TextChoices):
        BUSINESS_HOURS = "business_hours", "Business hours in one time zone"
        EXTENDED = "extended", "Extended hours across several time zones"
        ROUND_THE_CLOCK = "24_7", "24/7, every day of the year"

    class TeamSize(models.TextChoices):
        MICRO = "1-10", "1 to 10 people"
        SMALL = "11-50", "11 to 50 people"
        MEDIUM = "51-200", "51 to 200 people"
        LARGE = "201-1000", "201 to 1,000 people"
        VERY_LARGE = "1001-5000", "1,001 to 5,000 people"
        ENTERPRISE = "5000+", "More than 5,000 people"

    class MinimumEngagement(models.IntegerChoices):
        NONE = 0, "No minimum"
        USD_1K = 1_000, "$1,000 or more"
        USD_5K = 5_000, "$5,000 or more"
        USD_10K = 10_000, "$10,000 or more"
        USD_25K = 25_000, "$25,000 or more"
        USD_50K = 50_000, "$50,000 or more"
        USD_100K = 100_000, "$100,000 or more"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    pitch = models.CharField(max_length=160, help_text="One line on what the vendor does best.")
    description = models.TextField()
    website = models.URLField(blank=True)
    contact_email = models.EmailField(
        blank=True, help_text="Where buyers send a request for proposal."
    )
    contact_url = models.URLField(
        "contact page", blank=True, help_text="The vendor's own contact or enquiry page."
    )
    founded_year = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(1800, "Use a founding year from 1800 on."),
            validate_not_in_future,
        ]
    )
    headquarters = CountryField()
    delivery_countries = CountryField(
        multiple=True, help_text="The countries the work is delivered from."
    )
    timezone = models.CharField(
        "working time zone",
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="An IANA zone, e.g. Asia/Manila; left blank, the first delivery "
        "country's main zone.",
    )
    languages = models.ManyToManyField(Language, related_name="vendors")
    coverage = models.CharField(
        "time-zone coverage", max_length=20, choices=Coverage, default=Coverage.BUSINESS_HOURS
    )
    team_size = models.CharField(max_length=10, choices=TeamSize)
    hourly_rate_min = models.PositiveSmallIntegerField(
        "hourly rate from (USD)", validators=[MinValueValidator(1, "Rates start at $1.")]
    )
    hourly_rate_max = models.PositiveSmallIntegerField(
        "hourly rate to (USD)", validators=[MinValueValidator(1, "Rates start at $1.")]
    )
    minimum_engagement = models.PositiveIntegerField(
        "minimum engagement (USD)",
        choices=MinimumEngagement,
        default=MinimumEngagement.NONE,
    )
    certifications = models.ManyToManyField(Certification, blank=True, related_name="vendors")
    services = models.ManyToManyField(Service, related_name="vendors")
    is_active = models.BooleanField(
        default=True, help_text="Inactive vendors are hidden from the public pages."
    )
    is_verified = models.BooleanField(
        default=False, help_text="An editor has checked this profile against the vendor's records."
    )
    is_sample = models.BooleanField(
        "sample data",
        default=False,
        help_text="A fictional profile shipped to show how the product works.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    REVIEWED_FIELDS = (
        "hourly_rate_min",
        "hourly_rate_max",
        "certifications",
        "contact_email",
        "contact_url",
    )

    objects = VendorQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=["services", "languages", "certifications"], excluded_fields=["updated_at"]
    )

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            # The directory's sort orders, read a page at a time.
            models.Index(fields=["name", "id"], name="vendor_name_order"),
            models.Index(
                fields=["hourly_rate_min", "hourly_rate_max", "name", "id"],
                name="vendor_rate_order",
            ),
            # Active vendors' delivery countries and the directory's usual filters, read
            # from the index alone (300,000 vendors, PostgreSQL): the countries in use,
            # folded after every catalog edit, 204 -> 40 ms; counting a page's matches
            # for a highest rate and a country, 118 -> 34 ms, and with a language too
            # (the id joins the language's vendors by hash), 158 -> 37 ms.
            models.Index(
                fields=["delivery_countries"],
                condition=models.Q(is_active=True),
                name="vendor_active_countries",
            ),
            models.Index(
                fields=["hourly_rate_min", "delivery_countries", "coverage", "id"],
                condition=models.Q(is_active=True),
                name="vendor_active_rate_filters",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hourly_rate_min__lte=models.F("hourly_rate_max")),
                name="vendor_rate_range_ordered",
                violation_error_code="rate_range",
                violation_error_message=("The hourly rate minimum must not be above the maximum."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.timezone:
            countries = cast(MultipleCountriesDescriptor, self.delivery_countries)
            self.timezone = vendor_timezone([country.code for country in countries])
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("outsourcing:vendor_detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        if self.is_sample and self.is_verified:
            raise ValidationError(
                {
                    "is_verified": ValidationError(
                        "A sample (fictional) vendor cannot be verified.", code="sample_verified"
                    )
                }
            )
        if (
            self.hourly_rate_min is not None
            and self.hourly_rate_max is not None
            and self.hourly_rate_min > self.hourly_rate_max
        ):
            raise ValidationError(
                {
                    "hourly_rate_min": ValidationError(
                        "The minimum rate ($%(min)s) is above the maximum ($%(max)s).",
                        code="rate_range",
                        params={"min": self.hourly_rate_min, "max": self.hourly_rate_max},
                    )
                }
            )

    @property
    def delivery_country_names(self) -> str:
        # django-stubs types a CountryField as the CharField it subclasses.
        countries = cast(MultipleCountriesDescriptor, self.delivery_countries)
        return ", ".join(country.name for country in countries)

    @property
    def rate_range(self) -> str:
        return f"${self.hourly_rate_min}–{self.hourly_rate_max}/h"

    @property
    def is_24_7(self) -> bool:
        return self.coverage == self.Coverage.ROUND_THE_CLOCK

    @property
    def shows_as_verified(self) -> bool:
        """A sample profile is made up, so it is never presented as checked."""
        return self.is_verified and not self.is_sample


class RateCard(Reviewed):
    """What an hour of a category's work costs when bought from a country, in US
    dollars, with where the figure comes from and when it was true. The card for the
    buyer's own country is the onshore baseline."""

    category = models.ForeignKey(
        ServiceCategory, on_delete=models.CASCADE, related_name="rate_cards"
    )
    country = CountryField()
    hourly_low = models.DecimalField(
        "hourly from (USD)", max_digits=7, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    hourly_high = models.DecimalField(
        "hourly to (USD)", max_digits=7, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    source = models.CharField(max_length=200, help_text="Who published the figure, and what it is.")
    source_url = models.URLField("source link", max_length=300)
    as_of = models.DateField(help_text="When the figure was true; older than a year is flagged.")

    REVIEWED_FIELDS = ("hourly_low", "hourly_high", "source", "source_url", "as_of")

    objects = CatalogManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "country"]
        constraints = [
            models.UniqueConstraint(fields=["category", "country"], name="one_rate_card_per_place"),
            models.CheckConstraint(
                condition=Q(hourly_low__lte=models.F("hourly_high")),
                name="rate_card_low_not_above_high",
                violation_error_message="The hourly range must not start above its end.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {countries.name(str(self.country))}"


class CountryCost(models.Model):
    """What working from a country adds to a vendor's rate: staff turnover, and
    statutory extras a vendor passes on."""

    country = CountryField(unique=True)
    attrition_low = models.DecimalField(
        "staff leaving a year, from (%)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attrition_high = models.DecimalField(
        "staff leaving a year, to (%)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attrition_source = models.CharField(
        max_length=200, help_text="Shown beside the figure, e.g. “a 2022 industry survey”."
    )
    statutory_low = models.DecimalField(
        "statutory extras, from (% of the bill)",
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    statutory_high = models.DecimalField(
        "statutory extras, to (% of the bill)",
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    statutory_basis = models.CharField(
        max_length=300, blank=True, help_text="What the extras are, in one sentence."
    )
    source_url = models.URLField("source link", max_length=300)
    as_of = models.DateField()

    objects = CatalogManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["country"]
        verbose_name = "country cost"
        constraints = [
            models.CheckConstraint(
                condition=Q(attrition_low__lte=models.F("attrition_high"))
                & Q(statutory_low__lte=models.F("statutory_high")),
                name="country_cost_low_not_above_high",
                violation_error_message="A range must not start above its end.",
            ),
        ]

    def __str__(self) -> str:
        return countries.name(str(self.country))


class CostAssumptions(models.Model):
    """The assumptions behind the hidden costs; a single row."""

    hours_per_week = models.PositiveSmallIntegerField(
        "hours a week when the buyer gives none",
        default=40,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    transition_months_low = models.DecimalField(
        "transition, from (months)",
        max_digits=4,
        decimal_places=1,
        default=3,
        validators=[MinValueValidator(0)],
    )
    transition_months_high = models.DecimalField(
        "transition, to (months)",
        max_digits=4,
        decimal_places=1,
        default=6,
        validators=[MinValueValidator(0)],
    )
    transition_output_lost = models.DecimalField(
        "output lost during transition (%)",
        max_digits=4,
        decimal_places=1,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    management_hours_low = models.DecimalField(
        "buyer's management, from (hours a week per full-time person)",
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0)],
    )
    management_hours_high = models.DecimalField(
        "buyer's management, to (hours a week per full-time person)",
        max_digits=4,
        decimal_places=1,
        default=5,
        validators=[MinValueValidator(0)],
    )
    retraining_weeks_low = models.DecimalField(
        "retraining a newcomer, from (weeks)",
        max_digits=4,
        decimal_places=1,
        default=2,
        validators=[MinValueValidator(0)],
    )
    retraining_weeks_high = models.DecimalField(
        "retraining a newcomer, to (weeks)",
        max_digits=4,
        decimal_places=1,
        default=6,
        validators=[MinValueValidator(0)],
    )
    attrition = models.DecimalField(
        "staff leaving a year where no country figure is kept (%)",
        max_digits=4,
        decimal_places=1,
        default=21,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    sources = models.TextField(blank=True, help_text="Where these assumptions come from.")

    objects = CatalogManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cost assumptions"
        verbose_name_plural = "cost assumptions"
        constraints = [
            models.CheckConstraint(
                condition=Q(transition_months_low__lte=models.F("transition_months_high"))
                & Q(management_hours_low__lte=models.F("management_hours_high"))
                & Q(retraining_weeks_low__lte=models.F("retraining_weeks_high")),
                name="cost_assumptions_low_not_above_high",
                violation_error_message="A range must not start above its end.",
            ),
        ]

    def __str__(self) -> str:
        return "Cost assumptions"


class ExchangeRate(models.Model):
    """How many units of a currency one US dollar buys, for showing costs to buyers who
    pay in another currency."""

    currency = models.CharField(
        max_length=3,
        unique=True,
        validators=[RegexValidator("^[A-Z]{3}$", "Use a three-letter ISO 4217 code, e.g. EUR.")],
    )
    name = models.CharField(max_length=60)
    per_usd = models.DecimalField(
        "units per US dollar",
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(0.0001)],
    )
    source = models.CharField(max_length=200)
    as_of = models.DateField()

    objects = CatalogManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["currency"]

    def __str__(self) -> str:
        return f"{self.currency} ({self.name})"


class ServiceOfferQuerySet(models.QuerySet):
    def refresh(self, vendor_ids: Iterable[int]) -> None:
        """Make the offers of these vendors afresh from the catalog: one row for each
        service an active vendor offers, none for an inactive one."""
        ids = sorted(set(vendor_ids))
        # A few thousand at a time: SQLite limits a statement's parameters.
        for start in range(0, len(ids), OFFER_BATCH):
            batch = ids[start : start + OFFER_BATCH]
            with transaction.atomic():
                ServiceOffer.objects.filter(vendor_id__in=batch).delete()
                # Upserted: a refresh of the same vendor in another transaction may
                # have inserted since this one deleted.
                ServiceOffer.objects.bulk_create(
                    offers_of(batch),
                    batch_size=OFFER_BATCH,
                    update_conflicts=True,
                    unique_fields=["vendor", "service"],
                    update_fields=OFFER_COPIES,
                )


OFFER_BATCH = 5_000


def offers_of(vendor_ids: list[int]) -> list["ServiceOffer"]:
    def codes(through: type[models.Model], field: str) -> dict[int, list[str]]:
        held: dict[int, list[str]] = {}
        for vendor_id, code in through._default_manager.filter(
            vendor_id__in=vendor_ids
        ).values_list("vendor_id", field):
            held.setdefault(vendor_id, []).append(str(code))
        return held

    services = codes(Vendor.services.through, "service_id")
    languages = codes(Vendor.languages.through, "language__code")
    certifications = codes(Vendor.certifications.through, "certification__code")
    offers: list[ServiceOffer] = []
    for vendor in (
        Vendor.objects.active()
        .filter(pk__in=vendor_ids)
        .values("pk", "is_verified", "is_sample", *COPIED_VENDOR_FIELDS)
    ):
        vendor_id = vendor.pop("pk")
        verified, sample = vendor.pop("is_verified"), vendor.pop("is_sample")
        copies = {
            **vendor,
            "shows_as_verified": verified and not sample,
            "language_codes": between_commas(languages.get(vendor_id, [])),
            "certification_codes": between_commas(certifications.get(vendor_id, [])),
            "service_ids": between_commas(services.get(vendor_id, [])),
        }
        offers.extend(
            ServiceOffer(vendor_id=vendor_id, service_id=int(service_id), **copies)
            for service_id in services.get(vendor_id, [])
        )
    return offers


# What an offer copies of its vendor as it is, and in all.
COPIED_VENDOR_FIELDS = [
    "name",
    "slug",
    "delivery_countries",
    "hourly_rate_min",
    "hourly_rate_max",
    "coverage",
]
# The vendor fields `offers_of` reads: an update of any other makes no refresh.
OFFERS_READ = {*COPIED_VENDOR_FIELDS, "is_active", "is_verified", "is_sample"}
OFFER_COPIES = [
    *COPIED_VENDOR_FIELDS,
    "shows_as_verified",
    "language_codes",
    "certification_codes",
    "service_ids",
]


def between_commas(codes: Iterable[str]) -> str:
    """ ",en,es,": a code is found as ",es," and never inside another code."""
    return "," + "".join(f"{code}," for code in sorted(codes))


def listing(field: str, code: object) -> Q:
    """The offers whose `field`, a list `between_commas`, holds the code."""
    return Q((f"{field}__contains", f",{code},"))


class ServiceOffer(models.Model):
    """An active vendor's offer of a service, with a copy of what matching ranks and
    filters vendors by, so that the ranking reads these rows alone: each vendor's
    points are an expression over the row of its best matched service, with no join
    and no grouping (advisor/README.md, "In the database"). Five services' 82,000
    offers at 300,000 vendors: 277 ms joined and grouped, 65 to 85 ms from copies.

    Every write to a vendor, its services, languages or certifications, or to a
    language's or certification's code makes its offers afresh (`refresh`, from the
    signals in outsourcing/apps.py and from `VendorQuerySet.update`)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    slug = models.CharField(max_length=120)
    delivery_countries = models.TextField()
    hourly_rate_min = models.PositiveSmallIntegerField()
    hourly_rate_max = models.PositiveSmallIntegerField()
    coverage = models.CharField(max_length=20)
    shows_as_verified = models.BooleanField()
    language_codes = models.TextField()
    certification_codes = models.TextField()
    service_ids = models.TextField(help_text="Every service the vendor offers.")

    objects = ServiceOfferQuerySet.as_manager()

    class Meta:
        default_permissions = ()  # a copy, not catalog: no one edits it
        constraints = [
            models.UniqueConstraint(fields=["vendor", "service"], name="one_offer_a_service")
        ]

    def __str__(self) -> str:
        return f"{self.name} offers service {self.service_id}"


def vendor_timezone(delivery_countries: list[str]) -> str:
    """The main zone of the first delivery country that has one, or ""."""
    zones = (default_timezone(code) for code in delivery_countries)
    return next((zone for zone in zones if zone), "")


class RateCounter(models.Model):
    """Requests one client made in one window of one limit (outsourcing/ratelimit.py).
    Kept in the database, so every worker and process counts together and no page
    traffic can evict a count; rows of past windows are deleted as new ones start."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        default_permissions = ()  # bookkeeping, not catalog: no one edits it

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"

"""The vendor directory's filters."""

from typing import Any

from django import forms
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.choices import BaseChoiceIterator

from advisor.engine import ProcessType
from outsourcing.models import PROCESS_TYPE_CHOICES, Service, Vendor

ANY = [("", "Any")]
UNKNOWN_CHOICE = {"invalid_choice": "“%(value)s” is not one of the listed options."}


class SharedChoices(BaseChoiceIterator):
    """Choices made once and shared by every form instance. Django normalizes and
    copies a plain list again for each instance and its widget; a choice iterator
    it takes as it is, and these pairs never change."""

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def __getitem__(self, index):
        return self.choices[index]

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class VendorFilterForm(forms.Form):
    """Filters arrive in the query string; a junk value drops that filter, not the page.

    The choices, `SharedChoices` of (value, label) pairs ("Any" first where a filter
    may be left out), are passed in by the view so that every query runs there, not
    while the template renders the form.
    """

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        strip=True,
        help_text="Vendor names and descriptions, and the services they offer.",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. website, payroll"}),
    )
    sort = forms.ChoiceField(
        error_messages=UNKNOWN_CHOICE,
        label="Sort by",
        required=False,
        choices=[("", "Name"), ("rate", "Lowest rate"), ("fit", "Best fit for the service")],
    )
    service = forms.ChoiceField(error_messages=UNKNOWN_CHOICE, label="Service", required=False)
    process_type = forms.ChoiceField(
        error_messages=UNKNOWN_CHOICE,
        label="Kind of work",
        required=False,
        choices=ANY + PROCESS_TYPE_CHOICES,
    )
    country = forms.ChoiceField(
        error_messages=UNKNOWN_CHOICE, label="Delivers from", required=False
    )
    language = forms.MultipleChoiceField(
        error_messages={"invalid_choice": UNKNOWN_CHOICE["invalid_choice"]},
        label="Speaks all of",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certification = forms.ChoiceField(
        error_messages=UNKNOWN_CHOICE, label="Certification", required=False
    )
    rate_min = forms.IntegerField(
        label="Rate from (USD/h)", required=False, min_value=0, max_value=10_000
    )
    rate_max = forms.IntegerField(
        label="Rate up to (USD/h)", required=False, min_value=0, max_value=10_000
    )
    round_the_clock = forms.BooleanField(label="24/7 coverage only", required=False)

    def __init__(self, *args, services=(), countries=(), languages=(), certifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = {
            "service": services,
            "country": countries,
            "language": languages,
            "certification": certifications,
        }
        for name, choices in options.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # declared so above
            field.choices = choices

    def clean_language(self) -> list[str]:
        # One order and no repeats, so each set of languages is one cached page.
        return sorted(set(self.cleaned_data["language"]))

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.cleaned_data.get("sort") == "fit" and not self.cleaned_data.get("service"):
            self.add_error(
                "sort",
                forms.ValidationError(
                    "Best fit needs a service: pick one under “Service”.", code="fit_needs_service"
                ),
            )
        low, high = self.cleaned_data.get("rate_min"), self.cleaned_data.get("rate_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "rate_max",
                forms.ValidationError("The upper rate is below the lower one.", code="rate_range"),
            )
        return self.cleaned_data

    def ignored_notes(self) -> list[str]:
        """One sentence per filter that was dropped, to show above the results."""
        notes = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else name
            notes.append(f"Ignored the “{label}” filter: {errors[0]}")
        return notes

    def valid_filters(self) -> dict[str, Any]:
        """The filters that passed validation; the others are ignored."""
        fields = self.cleaned_data if self.is_bound else {}
        return {
            name: value
            for name, value in fields.items()
            if name not in self.errors and value not in (None, "", False, [])
        }

    def filter(self, vendors):
        """The vendors that pass every valid filter, each once: the certification join
        matches one row per vendor (a code is unique), the rest are subqueries."""
        filters = self.valid_filters()
        if q := filters.get("q"):
            vendors = vendors.search(q)
        if slug := filters.get("service"):
            offering = Vendor.services.through.objects.filter(
                service__slug=slug, service__is_active=True
            )
            vendors = vendors.filter(pk__in=offering.values("vendor_id"))
        if process_type := filters.get("process_type"):
            offering = Vendor.services.through.objects.filter(
                service__process_type=ProcessType(process_type), service__is_active=True
            )
            vendors = vendors.filter(pk__in=offering.values("vendor_id"))
        if country := filters.get("country"):
            vendors = vendors.filter(delivery_countries__contains=country)
        for language in filters.get("language", []):
            speaking = Vendor.languages.through.objects.filter(language__code=language)
            vendors = vendors.filter(pk__in=speaking.values("vendor_id"))
        if certification := filters.get("certification"):
            vendors = vendors.filter(certifications__code=certification)
        if (rate_min := filters.get("rate_min")) is not None:
            vendors = vendors.filter(hourly_rate_max__gte=rate_min)
        if (rate_max := filters.get("rate_max")) is not None:
            vendors = vendors.filter(hourly_rate_min__lte=rate_max)
        if filters.get("round_the_clock"):
            vendors = vendors.filter(coverage=Vendor.Coverage.ROUND_THE_CLOCK)
        return vendors

    def order(self, vendors):
        """By name; by lowest rate; or, for a chosen service, best fit: vendors our
        editors verified first, then those offering more services of the same category."""
        filters = self.valid_filters()
        if filters.get("sort") == "rate":
            return vendors.order_by("hourly_rate_min", "hourly_rate_max", "name", "pk")
        if filters.get("sort") == "fit":
            category = Service.objects.filter(slug=filters["service"]).values("category_id")
            return vendors.annotate(
                checked=ExpressionWrapper(
                    Q(is_verified=True, is_sample=False), output_field=BooleanField()
                ),
                related=Count(
                    "services",
                    filter=Q(services__is_active=True, services__category_id__in=category),
                ),
            ).order_by("-checked", "-related", "name", "pk")
        return vendors.order_by("name", "pk")

"""The vendor directory's filters."""

from typing import Any

from django import forms
from django.db.models import Q

from advisor.engine import ProcessType
from outsourcing.models import PROCESS_TYPE_CHOICES, Vendor

ANY = [("", "Any")]
UNKNOWN_CHOICE = {"invalid_choice": "“%(value)s” is not one of the listed options."}


class VendorFilterForm(forms.Form):
    """Filters arrive in the query string; a junk value drops that filter, not the page.

    The choices, (value, label) pairs, are passed in by the view so that every query
    runs there, not while the template renders the form.
    """

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or keyword"}),
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
    language = forms.ChoiceField(error_messages=UNKNOWN_CHOICE, label="Language", required=False)
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
            field.choices = ANY + list(choices)

    def clean(self) -> dict[str, Any]:
        super().clean()
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
            if name not in self.errors and value not in (None, "", False)
        }

    def filter(self, vendors):
        filters = self.valid_filters()
        # Filters across a many-to-many join can match a vendor more than once.
        joined = {"service", "process_type", "language", "certification"} & filters.keys()
        if q := filters.get("q"):
            vendors = vendors.filter(Q(name__icontains=q) | Q(pitch__icontains=q))
        if slug := filters.get("service"):
            vendors = vendors.filter(services__slug=slug, services__is_active=True)
        if process_type := filters.get("process_type"):
            vendors = vendors.filter(
                services__process_type=ProcessType(process_type), services__is_active=True
            )
        if country := filters.get("country"):
            vendors = vendors.filter(delivery_countries__contains=country)
        if language := filters.get("language"):
            vendors = vendors.filter(languages__code=language)
        if certification := filters.get("certification"):
            vendors = vendors.filter(certifications__code=certification)
        if (rate_min := filters.get("rate_min")) is not None:
            vendors = vendors.filter(hourly_rate_max__gte=rate_min)
        if (rate_max := filters.get("rate_max")) is not None:
            vendors = vendors.filter(hourly_rate_min__lte=rate_max)
        if filters.get("round_the_clock"):
            vendors = vendors.filter(coverage=Vendor.Coverage.ROUND_THE_CLOCK)
        return vendors.distinct() if joined else vendors

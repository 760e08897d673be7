"""Importing and exporting the catalog (services, vendors, rate cards) as CSV and Excel
in the admin, with django-import-export.

A file is read in two steps: a dry run in a transaction that is rolled back, shown as a
preview (new, updated, unchanged rows) or as a report naming each failing row and field;
then, once confirmed, the same file again in one transaction that is rolled back
whole if any row fails. Rows are matched by their natural keys (a slug, or a rate
card's category and country), and related rows are named by slug or code, so an
exported file imports unchanged into another copy of the catalog. Rows are saved one by
one through the ORM: the signals that bump the catalog version and refresh matching's
copies of each vendor fire as for an edit in the admin.
"""

import re
from datetime import datetime
from decimal import InvalidOperation

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_countries import countries
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, ImportForm
from import_export.resources import Diff
from import_export.results import Result, RowResult

from advisor.engine import Factor
from outsourcing.catalog_version import bump_catalog_version
from outsourcing.models import (
    Certification,
    Language,
    RateCard,
    Service,
    ServiceCategory,
    Vendor,
)


def text(value) -> str:
    """A cell as text: spreadsheets hand over numbers and empty cells as such."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class CountryWidget(widgets.Widget):
    """An ISO 3166 code, e.g. PH; any case is read."""

    def clean(self, value, row=None, **kwargs):
        code = text(value).upper()
        if code and code not in countries:
            raise ValueError(f"“{text(value)}” is not an ISO country code, such as PH.")
        return code

    def render(self, value, obj=None, **kwargs):
        return text(getattr(value, "code", value))


class CountriesWidget(widgets.Widget):
    """Country codes between commas, e.g. PH,IN."""

    def clean(self, value, row=None, **kwargs):
        codes = [code.strip().upper() for code in text(value).split(",") if code.strip()]
        unknown = [code for code in codes if code not in countries]
        if unknown:
            raise ValueError(
                f"Not ISO country codes: {', '.join(unknown)}. Use codes such as PH,IN."
            )
        return list(dict.fromkeys(codes))

    def render(self, value, obj=None, **kwargs):
        return ",".join(getattr(country, "code", str(country)) for country in value or [])


class DayWidget(widgets.DateWidget):
    """A date, e.g. 2025-01-31; a spreadsheet hands over a date as a date and time."""

    def clean(self, value, row=None, **kwargs):
        day = super().clean(value, row, **kwargs)
        return day.date() if isinstance(day, datetime) else day


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by its slug or code; an unknown one is the row's error."""

    def clean(self, value, row=None, **kwargs):
        key = text(value)
        if not key:
            return None
        try:
            return self.model.objects.get(**{self.field: key})
        except self.model.DoesNotExist:
            name = self.model._meta.verbose_name
            raise ValueError(f"There is no {name} with the {self.field} “{key}”.") from None


class SlugsWidget(widgets.ManyToManyWidget):
    """Related rows named by slug or code between commas, e.g. email-support,live-chat.
    Unknown ones are the row's error (import-export's own widget drops them silently),
    and `required` refuses an empty cell where the admin's form would."""

    def __init__(self, model, field: str, *, required: bool = False):
        super().__init__(model, separator=",", field=field)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        keys = list(dict.fromkeys(key.strip() for key in text(value).split(",") if key.strip()))
        name = self.model._meta.verbose_name
        if not keys:
            if self.required:
                raise ValueError(f"Name at least one {name} by its {self.field}.")
            return self.model.objects.none()
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        unknown = sorted(set(keys) - {str(getattr(item, self.field)) for item in found})
        if unknown:
            raise ValueError(f"No {name} with the {self.field} {', '.join(unknown)}.")
        return found

    def render(self, value, obj=None, **kwargs):
        # Sorted, so that an export reads the same every time; a new row has none yet.
        items = value.all() if value is not None else []
        return ",".join(sorted(str(getattr(item, self.field)) for item in items))


class StylelessDiff(Diff):
    """The preview's changes as bare <ins> and <del>: diff-match-patch writes inline
    styles, which the Content Security Policy refuses (import-export's import.css
    colours the two tags instead)."""

    def as_html(self):
        return [mark_safe(STYLED_TAG.sub(r"<\1>", html)) for html in super().as_html()]


# The cell's text is escaped, so "<" starts a tag.
STYLED_TAG = re.compile(r'<(ins|del) style="[^"<]*">')


class CatalogResource(resources.ModelResource):
    """What every catalog import shares: the model's own validation, unchanged rows
    reported and skipped, and every problem reported against its row and field."""

    def get_instance(self, instance_loader, row):
        # The key columns are read to find the row before anything else; a bad one is
        # a field's error, not a crash with a traceback.
        errors = {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                field.clean(row)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)
        return super().get_instance(instance_loader, row)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except InvalidOperation as error:
            # import-export's number widgets raise this for text; it is no ValueError.
            raise ValueError(f"“{text(row[field.column_name])}” is not a number.") from error

    def import_instance(self, instance, row, **kwargs):
        # import-export reads many-to-many cells only when saving, after validation,
        # where an unknown slug would be a crash: read them here too.
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def get_diff_class(self):
        return StylelessDiff

    def import_data(self, dataset, **kwargs):
        result = super().import_data(dataset, **kwargs)
        # The report pairs each failing row's cells with the columns they came from.
        result.file_headers = list(dataset.headers or [])
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            # Rolled back: its saves bumped the catalog version inside the transaction,
            # so this process may have cached rows that never existed under it.
            bump_catalog_version()
        return result

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class ServiceResource(CatalogResource):
    category = fields.Field("category", "category", SlugWidget(ServiceCategory, "slug"))

    class Meta(CatalogResource.Meta):
        model = Service
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "category",
            "process_type",
            "summary",
            "description",
            "typical_tasks",
            "is_active",
            *(factor.value for factor in Factor),
        ]
        export_order = fields


class VendorResource(CatalogResource):
    headquarters = fields.Field("headquarters", "headquarters", CountryWidget())
    delivery_countries = fields.Field("delivery_countries", "delivery_countries", CountriesWidget())
    services = fields.Field("services", "services", SlugsWidget(Service, "slug", required=True))
    languages = fields.Field("languages", "languages", SlugsWidget(Language, "code", required=True))
    certifications = fields.Field(
        "certifications", "certifications", SlugsWidget(Certification, "code")
    )

    class Meta(CatalogResource.Meta):
        model = Vendor
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "pitch",
            "description",
            "website",
            "contact_email",
            "contact_url",
            "founded_year",
            "headquarters",
            "delivery_countries",
            "timezone",
            "languages",
            "coverage",
            "team_size",
            "hourly_rate_min",
            "hourly_rate_max",
            "minimum_engagement",
            "services",
            "certifications",
            "is_active",
            "is_verified",
            "is_sample",
        ]
        export_order = fields

    def export(self, queryset=None, **kwargs):
        # Each vendor's services, languages and certifications in three queries in all.
        if queryset is not None:
            queryset = queryset.prefetch_related("services", "languages", "certifications")
        return super().export(queryset=queryset, **kwargs)


class RateCardResource(CatalogResource):
    category = fields.Field("category", "category", SlugWidget(ServiceCategory, "slug"))
    country = fields.Field("country", "country", CountryWidget())
    as_of = fields.Field("as_of", "as_of", DayWidget())

    class Meta(CatalogResource.Meta):
        model = RateCard
        import_id_fields = ["category", "country"]
        fields = [
            "category",
            "country",
            "hourly_low",
            "hourly_high",
            "source",
            "source_url",
            "as_of",
        ]
        export_order = fields


class CatalogImportForm(ImportForm):
    """The format is taken from the file's name when none is chosen: import-export
    guesses it in the browser, and this form also works without scripts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].required = False

    def clean(self):
        cleaned = super().clean()
        file = cleaned.get("import_file")
        if not cleaned.get("format") and file:
            extension = file.name.rpartition(".")[2].lower()
            choices = {str(label).lower(): value for value, label in self.fields["format"].choices}
            if extension in choices and choices[extension]:
                cleaned["format"] = choices[extension]
            else:
                self.add_error("format", "Choose the file's format: CSV or Excel (xlsx).")
        return cleaned


class CatalogExportForm(ExportForm):
    """CSV is chosen to start with (import-export starts with an empty choice)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [
            choice for choice in self.fields["format"].choices if choice[0] != ""
        ]


def import_summary(result: Result, plural: str) -> str:
    """What confirming the previewed file would do, in a sentence."""
    totals = result.totals
    return (
        f"This file adds {totals[RowResult.IMPORT_TYPE_NEW]} {plural}, changes "
        f"{totals[RowResult.IMPORT_TYPE_UPDATE]} and leaves "
        f"{totals[RowResult.IMPORT_TYPE_SKIP]} unchanged. Nothing is saved until you "
        "confirm."
    )


def import_report(result: Result, key_columns: list[str]) -> list[dict[str, object]]:
    """One line for each problem of each failing row: the row as a spreadsheet numbers
    it (the header is row 1), the entry (its name and key), the column, the value in
    the file and what is wrong with it."""
    headers = getattr(result, "file_headers", [])
    problems: list[dict[str, object]] = []
    for row in result.invalid_rows:
        cells = dict(zip(headers, row.values, strict=False))
        keys = " · ".join(text(cells.get(column)) for column in key_columns)
        name = text(cells.get("name"))
        entry = f"{name} ({keys})" if name and keys else name or keys
        for field, errors in row.error_dict.items():
            column = "" if field == NON_FIELD_ERRORS else field
            for message in errors:
                problems.append(
                    {
                        "row": row.number + 1,
                        "entry": entry,
                        "column": column,
                        "value": text(cells.get(column)) if column else "",
                        "message": message,
                    }
                )
    return problems


class CatalogImportExportMixin(ImportExportMixin):
    """The admin's side: "Import" and "Export" on a catalog list, CSV and Excel.

    Imports need the model's change permission and exports its view permission
    (IMPORT_EXPORT_*_PERMISSION_CODE in settings). An export carries every column, so it
    imports back unchanged: import-export's form for picking columns needs inline
    scripts, which the Content Security Policy refuses. The import page
    (templates/admin/outsourcing/import.html) says what confirming would do and lists
    each failing row's problems by row, column and value."""

    formats = [CSV, XLSX]
    import_form_class = CatalogImportForm
    export_form_class = CatalogExportForm
    import_error_display = ("message", "row")
    import_template_name = "admin/outsourcing/import.html"

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if (result := context.get("result")) is not None:
            resource = self.get_import_resource_classes(request)[0]
            plural = str(self.model._meta.verbose_name_plural)
            context["import_summary"] = import_summary(result, plural)
            context["import_report"] = import_report(result, resource._meta.import_id_fields)
        return response

    def process_dataset(self, dataset, form, request, **kwargs):
        # The confirmed import: rows that passed the preview may fail now (another
        # editor's change in between); then nothing of the file is kept.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().process_dataset(dataset, form, request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                "Nothing was imported: some rows no longer pass since the preview, perhaps "
                "after another edit. Upload the file again to see which.",
                messages.ERROR,
            )
            info = self.model._meta.app_label, self.model._meta.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info)))
        return super().process_result(result, request)

"""Importing and exporting the catalog in the admin: a preview before anything changes,
every failing row reported by row and field, nothing kept from a file with a failing
row, exports that import back unchanged, and imports that reach what buyers see."""

import csv
import io
import uuid

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from advisor.models import Recommendation
from outsourcing.models import RateCard, Service, ServiceOffer, Vendor
from outsourcing.resources import VendorResource
from tests.factories import (
    EXPERT_ANSWERS,
    WORK,
    CertificationFactory,
    LanguageFactory,
    ServiceCategoryFactory,
    ServiceFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the admin's format choices, in that order
VENDOR_COLUMNS = list(VendorResource().get_export_headers())


@pytest.fixture
def catalog():
    """A category, an expert service and a routine one, two languages, a certification."""
    research = ServiceFactory(
        name="Market research",
        slug="market-research",
        category=ServiceCategoryFactory(name="Research", slug="research"),
        kpo=True,
    )
    entry = ServiceFactory(name="Data entry", slug="data-entry", category=research.category)
    return {
        "research": research,
        "entry": entry,
        "english": LanguageFactory(code="en", name="English"),
        "spanish": LanguageFactory(code="es", name="Spanish"),
        "iso": CertificationFactory(code="iso-27001", name="ISO 27001"),
    }


def vendor_row(number: int, **cells) -> dict:
    return {
        "slug": f"import-vendor-{number}",
        "name": f"Import Vendor {number}",
        "pitch": "Research done carefully.",
        "description": "A vendor brought in from a file.",
        "website": f"https://vendor-{number}.example",
        "contact_email": f"rfp@vendor-{number}.example",
        "contact_url": "",
        "founded_year": "2012",
        "headquarters": "PL",
        "delivery_countries": "PL,PT",
        "timezone": "",
        "languages": "en,es",
        "coverage": "business_hours",
        "team_size": "51-200",
        "hourly_rate_min": "20",
        "hourly_rate_max": "40",
        "minimum_engagement": "0",
        "services": "market-research",
        "certifications": "iso-27001",
        "is_active": "1",
        "is_verified": "0",
        "is_sample": "0",
        **cells,
    }


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(client, model: str, content: bytes, name: str = "catalog.csv", fmt=CSV_FORMAT):
    """The import form, posted: the preview or the report of failing rows."""
    file = io.BytesIO(content)
    file.name = name
    return client.post(
        reverse(f"admin:outsourcing_{model}_import"),
        {"resource": "0", "format": fmt, "import_file": file},
    )


def confirm(client, model: str, preview):
    """Press "Confirm import" on a preview."""
    form = preview.context.get("confirm_form")
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse(f"admin:outsourcing_{model}_process_import"), data)


def import_file(client, model: str, content: bytes, name="catalog.csv", fmt=CSV_FORMAT):
    preview = upload(client, model, content, name, fmt)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is not None, report(preview)
    return confirm(client, model, preview)


def export(client, model: str, fmt=CSV_FORMAT) -> bytes:
    response = client.post(
        reverse(f"admin:outsourcing_{model}_export"), {"resource": "0", "format": fmt}
    )
    assert response.status_code == 200
    return response.content


def report(response) -> list[tuple[int, str, str]]:
    """(row, field, message) for every failing row of a refused file."""
    result = response.context["result"]
    return [
        (row.number, field, str(message))
        for row in result.invalid_rows
        for field, messages in row.field_specific_errors.items()
        for message in messages
    ]


def kinds(response) -> list[str]:
    """What the preview says each row does: new, update or skip."""
    return [row.import_type for row in response.context["result"].valid_rows()]


# Vendors


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_field(
    editor_client, catalog
):
    rows = [vendor_row(n) for n in range(1, 6)]
    rows[2]["hourly_rate_min"] = "90"  # above its maximum of 40
    response = upload(editor_client, "vendor", as_csv(rows))
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None  # no way to confirm
    assert report(response) == [
        (3, "hourly_rate_min", "The minimum rate ($90) is above the maximum ($40).")
    ]
    assert "Nothing was imported: 1 of 5 rows failed" in response.text
    # Row 4 as a spreadsheet numbers it: the header is row 1.
    assert response.context["import_report"] == [
        {
            "row": 4,
            "entry": "Import Vendor 3 (import-vendor-3)",
            "column": "hourly_rate_min",
            "value": "90",
            "message": "The minimum rate ($90) is above the maximum ($40).",
        }
    ]
    report_table = response.text.split('class="import-report"')[1].split("</table>")[0]
    for cell in ["<td>4</td>", "Import Vendor 3 (import-vendor-3)", "<code>hourly_rate_min"]:
        assert cell in report_table
    assert not Vendor.objects.exists()
    assert not ServiceOffer.objects.exists()

    rows[2]["hourly_rate_min"] = "30"
    preview = upload(editor_client, "vendor", as_csv(rows))
    assert kinds(preview) == ["new"] * 5
    assert (
        "This file adds 5 vendors, changes 0 and leaves 0 unchanged. "
        "Nothing is saved until you confirm."
    ) in preview.text
    assert not Vendor.objects.exists()  # a preview changes nothing
    done = confirm(editor_client, "vendor", preview)
    assert done.status_code == 302
    assert Vendor.objects.count() == 5
    vendor = Vendor.objects.get(slug="import-vendor-3")
    assert vendor.hourly_rate_min == 30
    assert [c.code for c in vendor.delivery_countries] == ["PL", "PT"]
    assert vendor.timezone == "Europe/Warsaw"
    assert set(vendor.languages.values_list("code", flat=True)) == {"en", "es"}
    assert list(vendor.services.all()) == [catalog["research"]]
    assert list(vendor.certifications.all()) == [catalog["iso"]]
    messages = [str(m) for m in editor_client.get(done["Location"]).context["messages"]]
    assert messages == ["Import finished: 5 new, 0 updated, 0 deleted and 0 skipped vendors."]


@pytest.mark.parametrize(
    ("cells", "field", "message"),
    [
        ({"headquarters": "XX"}, "headquarters", "“XX” is not an ISO country code"),
        ({"delivery_countries": "PL,ZZ"}, "delivery_countries", "Not ISO country codes: ZZ"),
        ({"services": "market-research,no-such"}, "services", "No service with the slug no-such"),
        ({"services": ""}, "services", "Name at least one service"),
        ({"languages": "en,xx"}, "languages", "No language with the code xx"),
        ({"certifications": "iso-1"}, "certifications", "No certification with the code iso-1"),
        ({"contact_email": "not an address"}, "contact_email", "Enter a valid email address"),
        ({"founded_year": "1700"}, "founded_year", "Use a founding year from 1800 on"),
        ({"founded_year": "soon"}, "founded_year", "“soon” is not a number."),
        ({"team_size": "huge"}, "team_size", "is not a valid choice"),
        ({"timezone": "Mars/Olympus"}, "timezone", "is not an IANA time zone"),
        ({"slug": "not a slug"}, "slug", "Enter a valid “slug”"),
        ({"is_verified": "1", "is_sample": "1"}, "is_verified", "cannot be verified"),
    ],
)
def test_each_bad_cell_is_reported_against_its_row_and_field(
    editor_client, catalog, cells, field, message
):
    rows = [vendor_row(1), vendor_row(2, **cells)]
    response = upload(editor_client, "vendor", as_csv(rows))
    errors = report(response)
    assert response.context.get("confirm_form") is None
    assert [(number, name) for number, name, _ in errors] == [(2, field)], errors
    assert message in errors[0][2]
    assert not Vendor.objects.exists()


def test_an_import_that_fails_after_the_preview_changes_nothing(editor_client, catalog):
    """Rows that passed the preview and fail at the confirmation (another editor
    changed the catalog in between) roll the whole file back."""
    rows = [vendor_row(n) for n in range(1, 4)]
    preview = upload(editor_client, "vendor", as_csv(rows))
    Service.objects.filter(slug="market-research").update(slug="research-2")
    done = confirm(editor_client, "vendor", preview)
    assert done["Location"] == reverse("admin:outsourcing_vendor_import")
    messages = [str(m) for m in editor_client.get(done["Location"]).context["messages"]]
    assert messages[0].startswith("Nothing was imported")
    assert not Vendor.objects.exists()


def test_an_unchanged_export_imports_as_no_change(editor_client, catalog):
    VendorFactory(
        slug="lima",
        services=[catalog["research"], catalog["entry"]],
        languages=[catalog["spanish"], catalog["english"]],
        certifications=[catalog["iso"]],
        delivery_countries=["PE", "CO"],
        contact_email="rfp@lima.example",
    )
    VendorFactory(slug="quito", services=[catalog["entry"]], website="")
    exported = export(editor_client, "vendor")
    header, *lines = exported.decode().splitlines()
    assert header.split(",") == VENDOR_COLUMNS
    assert "lima" in lines[0]
    assert '"CO,PE"' in lines[0]
    assert '"data-entry,market-research"' in lines[0]
    before = list(Vendor.objects.values().order_by("pk"))
    preview = upload(editor_client, "vendor", exported)
    assert kinds(preview) == ["skip", "skip"]
    confirm(editor_client, "vendor", preview)
    assert list(Vendor.objects.values().order_by("pk")) == before


def test_an_export_reads_the_vendors_related_rows_in_a_few_queries(
    editor_client, catalog, django_assert_max_num_queries
):
    for _ in range(20):
        VendorFactory(services=[catalog["research"]], certifications=[catalog["iso"]])
    with django_assert_max_num_queries(15):
        exported = export(editor_client, "vendor")
    assert len(exported.decode().splitlines()) == 21


def test_an_edited_export_previews_its_changes_and_updates_in_place(editor_client, catalog):
    lima = VendorFactory(slug="lima", name="Lima", services=[catalog["research"]])
    VendorFactory(slug="quito", name="Quito", services=[catalog["research"]])
    rows = list(csv.DictReader(io.StringIO(export(editor_client, "vendor").decode())))
    rows[0]["hourly_rate_max"] = "35"
    rows.append(vendor_row(9))
    preview = upload(editor_client, "vendor", as_csv(rows))
    assert kinds(preview) == ["update", "skip", "new"]
    assert "35" in preview.text  # the preview's diff shows the new value
    confirm(editor_client, "vendor", preview)
    lima.refresh_from_db()
    assert lima.hourly_rate_max == 35
    assert Vendor.objects.count() == 3


def test_an_excel_export_opens_and_imports_back_unchanged(editor_client, catalog):
    VendorFactory(
        slug="lima",
        services=[catalog["research"]],
        delivery_countries=["PE", "CO"],
        languages=[catalog["english"], catalog["spanish"]],
    )
    exported = export(editor_client, "vendor", XLSX_FORMAT)
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    header, row = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert header == VENDOR_COLUMNS
    assert row[header.index("slug")] == "lima"
    assert row[header.index("languages")] == "en,es"
    preview = upload(editor_client, "vendor", exported, "vendors.xlsx", XLSX_FORMAT)
    assert kinds(preview) == ["skip"]


def test_an_excel_file_of_new_vendors_imports(editor_client, catalog):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(VENDOR_COLUMNS)
    row = vendor_row(1)
    sheet.append([int(row[c]) if row[c].isdigit() else row[c] for c in VENDOR_COLUMNS])
    content = io.BytesIO()
    book.save(content)
    import_file(editor_client, "vendor", content.getvalue(), "vendors.xlsx", XLSX_FORMAT)
    vendor = Vendor.objects.get(slug="import-vendor-1")
    assert (vendor.founded_year, vendor.hourly_rate_max) == (2012, 40)


def test_an_imported_vendor_shows_in_the_directory_and_new_recommendations(
    client, editor_client, catalog
):
    # Cached first, as a buyer's visit leaves them.
    assert "Import Vendor 1" not in client.get("/vendors/").text
    client.post("/advisor/", {**WORK, **EXPERT_ANSWERS, "submission_id": str(uuid.uuid4())})
    assert Recommendation.objects.latest("pk").vendors == []

    import_file(editor_client, "vendor", as_csv([vendor_row(1)]))

    assert "Import Vendor 1" in client.get("/vendors/").text
    assert "Import Vendor 1" in client.get("/vendors/import-vendor-1/").text
    client.post("/advisor/", {**WORK, **EXPERT_ANSWERS, "submission_id": str(uuid.uuid4())})
    vendors = Recommendation.objects.latest("pk").vendors
    assert [vendor["name"] for vendor in vendors] == ["Import Vendor 1"]


def test_a_refused_import_leaves_what_buyers_see_alone(client, editor_client, catalog):
    VendorFactory(name="Lima Research", slug="lima", services=[catalog["research"]])
    assert "Lima Research" in client.get("/vendors/").text
    rows = [vendor_row(1, slug="lima", name="Renamed"), vendor_row(2, founded_year="1700")]
    upload(editor_client, "vendor", as_csv(rows))
    page = client.get("/vendors/").text
    assert "Lima Research" in page
    assert "Renamed" not in page
    assert "Import Vendor 2" not in page
    assert ServiceOffer.objects.get().name == "Lima Research"


# Services and rate cards


def test_services_round_trip_and_report_a_bad_profile(editor_client, catalog):
    exported = export(editor_client, "service")
    rows = list(csv.DictReader(io.StringIO(exported.decode())))
    assert [row["slug"] for row in rows] == ["data-entry", "market-research"]
    assert rows[1]["category"] == "research"
    assert kinds(upload(editor_client, "service", exported)) == ["skip", "skip"]

    rows[0]["task_complexity"] = "7"
    rows[1]["category"] = "no-such-category"
    response = upload(editor_client, "service", as_csv(rows))
    assert [(n, field) for n, field, _ in report(response)] == [
        (1, "task_complexity"),
        (2, "category"),
    ]
    assert "Use a value from 1 to 5." in response.text
    assert "There is no service category with the slug “no-such-category”." in response.text

    rows[0]["task_complexity"] = "2"
    rows[1]["category"] = "research"
    import_file(editor_client, "service", as_csv(rows))
    assert Service.objects.get(slug="data-entry").task_complexity == 2


def rate_card(category, country, low, high):
    return RateCard.objects.create(
        category=category,
        country=country,
        hourly_low=low,
        hourly_high=high,
        source="A survey",
        source_url="https://example.com/rates",
        as_of="2025-01-01",
    )


@pytest.mark.parametrize("fmt", [CSV_FORMAT, XLSX_FORMAT])
def test_rate_cards_round_trip_by_category_and_country(editor_client, catalog, fmt):
    research = catalog["research"].category
    rate_card(research, "PH", "8.50", "12")
    rate_card(research, "PL", 25, 45)
    exported = export(editor_client, "ratecard", fmt)
    name = "cards.xlsx" if fmt == XLSX_FORMAT else "cards.csv"
    assert kinds(upload(editor_client, "ratecard", exported, name, fmt)) == ["skip", "skip"]


def test_rate_cards_import_new_and_changed_cards_by_category_and_country(editor_client, catalog):
    research = catalog["research"].category
    rate_card(research, "PH", 8, 12)
    content = (
        b"category,country,hourly_low,hourly_high,source,source_url,as_of\n"
        b"research,ph,9.00,13.00,A survey,https://example.com/rates,2026-01-01\n"
        b"research,IN,7,11,A survey,https://example.com/rates,2026-01-01\n"
    )
    preview = upload(editor_client, "ratecard", content)
    assert kinds(preview) == ["update", "new"]
    confirm(editor_client, "ratecard", preview)
    cards = RateCard.objects.order_by("country").values_list("country", "hourly_low")
    assert [(str(country), str(low)) for country, low in cards] == [
        ("IN", "7.00"),
        ("PH", "9.00"),
    ]


def test_a_bad_rate_card_names_its_row_and_field(editor_client, catalog):
    content = (
        b"category,country,hourly_low,hourly_high,source,source_url,as_of\n"
        b"research,PH,9,13,A survey,https://example.com/rates,2026-01-01\n"
        b"nowhere,QQ,20,10,A survey,not a link,2026-01-01\n"
    )
    response = upload(editor_client, "ratecard", content)
    assert sorted((n, field) for n, field, _ in report(response)) == [
        (2, "category"),
        (2, "country"),
    ]
    assert {problem["entry"] for problem in response.context["import_report"]} == {"nowhere · QQ"}
    assert not RateCard.objects.exists()


# Who may


@pytest.mark.parametrize("model", ["service", "vendor", "ratecard"])
def test_an_editor_sees_import_and_export_on_each_catalog_list(editor_client, model):
    page = editor_client.get(reverse(f"admin:outsourcing_{model}_changelist")).text
    assert reverse(f"admin:outsourcing_{model}_import") in page
    assert reverse(f"admin:outsourcing_{model}_export") in page
    assert editor_client.get(reverse(f"admin:outsourcing_{model}_import")).status_code == 200


@pytest.mark.parametrize("model", ["service", "vendor", "ratecard"])
def test_staff_who_may_only_view_can_export_but_not_import(client, catalog, model):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename=f"view_{model}"))
    client.force_login(viewer)
    page = client.get(reverse(f"admin:outsourcing_{model}_changelist")).text
    assert reverse(f"admin:outsourcing_{model}_import") not in page
    assert reverse(f"admin:outsourcing_{model}_export") in page
    assert client.get(reverse(f"admin:outsourcing_{model}_import")).status_code == 403
    content = as_csv([vendor_row(1)])
    assert upload(client, model, content).status_code == 403
    process = reverse(f"admin:outsourcing_{model}_process_import")
    assert client.post(process, {"import_file_name": "x", "format": "0"}).status_code == 403
    assert not Vendor.objects.exists()


@pytest.mark.parametrize("model", ["service", "vendor", "ratecard"])
def test_staff_without_catalog_permissions_get_neither(client, model):
    client.force_login(UserFactory(is_staff=True))
    for name in ["import", "export"]:
        assert client.get(reverse(f"admin:outsourcing_{model}_{name}")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, catalog):
    for name in ["import", "process_import", "export"]:
        url = reverse(f"admin:outsourcing_vendor_{name}")
        for response in [client.get(url), client.post(url)]:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))


def test_a_superuser_can_import(admin_client, catalog):
    import_file(admin_client, "vendor", as_csv([vendor_row(1)]))
    assert Vendor.objects.filter(slug="import-vendor-1").exists()


# The pages


def test_the_import_page_lists_the_columns_and_loads_scripts_from_static_only(editor_client):
    response = editor_client.get(reverse("admin:outsourcing_vendor_import"))
    page = response.text
    for column in VENDOR_COLUMNS:
        assert column in page
    assert "<script>" not in page
    assert "onchange=" not in page
    assert "import_export/guess_format.js" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_format_is_taken_from_the_file_name_when_none_is_chosen(editor_client, catalog):
    """import-export picks it in the browser; without scripts the form still works."""
    preview = upload(editor_client, "vendor", as_csv([vendor_row(1)]), "vendors.CSV", fmt="")
    assert kinds(preview) == ["new"]
    refused = upload(editor_client, "vendor", as_csv([vendor_row(1)]), "vendors.txt", fmt="")
    assert refused.context["form"].errors["format"] == [
        "Choose the file's format: CSV or Excel (xlsx)."
    ]


def test_the_preview_marks_changes_without_inline_styles(editor_client, catalog):
    VendorFactory(slug="lima", name="Lima", services=[catalog["research"]])
    rows = list(csv.DictReader(io.StringIO(export(editor_client, "vendor").decode())))
    rows[0]["name"] = "Lima Research"
    preview = upload(editor_client, "vendor", as_csv(rows))
    assert "<ins>Research</ins>" in preview.text or "<ins> Research</ins>" in preview.text
    assert "style=" not in preview.text


def test_the_export_page_has_no_inline_script(editor_client):
    page = editor_client.get(reverse("admin:outsourcing_vendor_export")).text
    assert "<script>" not in page
    assert "onchange=" not in page
    assert '<option value="0">csv</option>' in page
    assert "---" not in page  # no empty choice to trip over: CSV unless Excel is picked

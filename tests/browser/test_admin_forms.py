"""The vendor and service forms as an editor uses them: every many-valued field is one
searchable multi-select that a pick never empties, and a service's typical answers show
the advisor's verdict as they change. Both forms pass axe-core at 1440 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from advisor.engine import Factor
from outsourcing.models import Service, ServiceCategory, Vendor
from tests.browser.helpers import screenshot
from tests.factories import ServiceFactory, catalog_editor

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()


def assert_accessible(page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def log_in(page) -> None:
    editor = catalog_editor()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def pick(page, field: str, text: str) -> None:
    """Type into a multi-select's search box and press Enter, as an editor would, once
    the first option offered is the one named."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    first = page.locator(".select2-results__option--highlighted")
    expect(first).to_contain_text(text, ignore_case=True)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def chosen(page, field: str) -> list[str]:
    return page.eval_on_selector(f"#id_{field}", "s => [...s.selectedOptions].map(o => o.text)")


def test_adding_a_vendor_with_three_services_four_countries_and_two_languages(
    page, shipped_catalog
):
    engineering = ServiceCategory.objects.get(slug="engineering-and-product-development")
    ServiceFactory(name="Website build", slug="website-build", category=engineering)
    log_in(page)
    page.goto("/admin/outsourcing/vendor/add/")
    assert_accessible(page)

    for text in ["Website", "Live chat", "Data entry"]:
        pick(page, "services", text)
    for text in ["Philippines", "India", "Poland", "Mexico"]:
        pick(page, "delivery_countries", text)
    for text in ["English", "Spanish"]:
        pick(page, "languages", text)
    assert chosen(page, "services") == [
        f"Website build · {engineering.name}",
        "Live chat support · Customer contact",
        "Data entry · Back-office data processing",
    ]
    assert chosen(page, "delivery_countries") == ["Philippines", "India", "Poland", "Mexico"]
    assert chosen(page, "languages") == ["English", "Spanish"]
    assert_accessible(page)
    screenshot(page, "admin-vendor-add")

    page.get_by_label("Name:").fill("Four Countries Ltd")
    page.get_by_label("Pitch:").fill("Websites and chat from four countries.")
    page.get_by_label("Description:").fill("A team in four countries.")
    page.get_by_label("Founded year:").fill("2010")
    page.get_by_label("Headquarters:").select_option("PH")
    page.get_by_label("Team size:").select_option("51-200")
    page.get_by_label("Hourly rate from (USD):").fill("15")
    page.get_by_label("Hourly rate to (USD):").fill("30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    vendor = Vendor.objects.get(name="Four Countries Ltd")
    assert sorted(vendor.services.values_list("slug", flat=True)) == [
        "data-entry",
        "live-chat-support",
        "website-build",
    ]
    assert sorted(country.code for country in vendor.delivery_countries) == [
        "IN",
        "MX",
        "PH",
        "PL",
    ]
    assert sorted(vendor.languages.values_list("code", flat=True)) == ["en", "es"]


def test_a_service_profile_shows_its_classification_and_a_contradiction_asks_to_confirm(
    page, shipped_catalog
):
    service = Service.objects.get(slug="market-research")
    log_in(page)
    page.goto(f"/admin/outsourcing/service/{service.pk}/change/")
    output = page.locator("#profile-classification")
    expect(output).to_contain_text("which agrees with the service's type")
    assert_accessible(page)

    # The routine, customer-facing answers of a call centre: the first choice of each
    # question, and talking to customers all day.
    for factor in Factor:
        page.locator(f"#id_{factor.value}_0").check()
    page.locator(f"#id_{Factor.CUSTOMER_CONTACT.value}_4").check()
    expect(output).to_contain_text("as BPO")
    expect(output).to_contain_text("but the service is KPO")
    expect(output).to_have_class("contradicts")
    assert_accessible(page)
    screenshot(page, "admin-service-contradiction")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    confirm = page.get_by_label("Save anyway: I confirm this profile")
    expect(confirm).to_be_visible()
    assert_accessible(page)
    confirm.check()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    service.refresh_from_db()
    assert service.customer_contact == 5
    assert service.process_type == "kpo"

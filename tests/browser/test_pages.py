"""Every page a visitor or an editor sees: no axe-core violations at phone and desktop
widths, and a full-page screenshot of each into screenshots/ (which git ignores)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from outsourcing.models import Service, Vendor
from tests.browser.helpers import DESKTOP, PHONE, screenshot
from tests.factories import catalog_editor

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()


def assert_accessible(page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def check_at_both_widths(page, name: str, show) -> None:
    """`show(page)` brings the page up; it is checked and photographed at each width."""
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        show(page)
        assert_accessible(page)
        # Readable at this width: nothing makes the page scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, name)


def test_every_public_page(page, recommendations_by_verdict):
    """One test for the lot, so the catalog loads once; every page is checked before
    it fails, and the failure lists them all."""
    pages = {
        "home": "/",
        "services": "/services/",
        "service": Service.objects.get(slug="market-research").get_absolute_url(),
        "vendors": "/vendors/",
        "vendors-none-match": "/vendors/?q=no+such+vendor+anywhere",
        "vendors-search": "/vendors/?q=website&language=en&language=es&sort=rate",
        "vendors-best-fit": "/vendors/?service=email-support&sort=fit",
        "vendor": Vendor.objects.order_by("name").first().get_absolute_url(),
        "questionnaire": "/advisor/",
        "recommendation-bpo": recommendations_by_verdict["bpo"].get_absolute_url(),
        "recommendation-kpo": recommendations_by_verdict["kpo"].get_absolute_url(),
        "recommendation-hybrid": recommendations_by_verdict["hybrid"].get_absolute_url(),
    }
    failures = []
    for name, url in pages.items():
        try:
            check_at_both_widths(page, name, lambda page, url=url: page.goto(url))
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n\n".join(failures)


def test_not_found_page(page, watcher, shipped_catalog):
    watcher.allow(r"status of 404")

    def show(page):
        response = page.goto("/services/no-such-service/")
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")

    check_at_both_widths(page, "not-found", show)


def test_questionnaire_with_errors(page, watcher, shipped_catalog):
    watcher.allow(r"status of 400")

    def show(page):
        page.goto("/advisor/")
        page.locator("#id_task_complexity_3").check()
        page.get_by_role("button", name="Get my recommendation").first.click()
        expect(page.locator("#form-errors")).to_be_visible()

    check_at_both_widths(page, "questionnaire-errors", show)


def test_admin_pages_an_editor_uses(page, shipped_catalog):
    editor = catalog_editor()
    page.goto("/admin/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    service = Service.objects.get(slug="market-research")
    vendor = Vendor.objects.order_by("name").first()
    pages = {
        "admin-index": "/admin/",
        "admin-services": "/admin/outsourcing/service/",
        "admin-services-search": "/admin/outsourcing/service/?q=research",
        "admin-service": f"/admin/outsourcing/service/{service.pk}/change/",
        "admin-service-add": "/admin/outsourcing/service/add/",
        "admin-vendors": "/admin/outsourcing/vendor/",
        "admin-vendor": f"/admin/outsourcing/vendor/{vendor.pk}/change/",
    }
    for name, url in pages.items():
        page.goto(url)
        assert_accessible(page)
        if name in {"admin-index", "admin-service"}:
            screenshot(page, name)

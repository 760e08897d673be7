"""What a person does in the browser, and what they see while doing it."""

import re

import pytest
from playwright.sync_api import expect

from advisor.models import Recommendation
from outsourcing.models import Service
from tests.factories import catalog_editor

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def preview(page):
    return page.locator("#result-panel")


def test_newcomer_goes_from_home_to_a_recommendation(page, shipped_catalog):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Know what kind of outsourcing")
    page.get_by_role("link", name="Start the questionnaire").first.click()

    expect(page).to_have_url(re.compile(r"/advisor/$"))
    expect(preview(page)).to_contain_text("0 of 9 questions answered")
    expect(preview(page)).to_contain_text("to see a first verdict")

    page.get_by_label("What is the work called?").fill("Supplier invoice keying")
    expect(preview(page)).to_contain_text("named")
    # Type-ahead narrows the grouped list of services.
    page.get_by_label("Find a service").fill("data entry")
    expect(page.get_by_label("Telemarketing")).to_be_hidden()
    page.get_by_label("Data entry", exact=True).check()
    page.get_by_label("Novel and research-heavy").check()
    expect(preview(page)).to_contain_text("1 of 9 questions answered")
    page.locator("#id_skill_scarcity_4").check()
    page.locator("#id_decision_authority_3").check()
    expect(preview(page).locator(".verdict-word")).to_have_text("KPO")
    expect(preview(page)).to_contain_text("What weighs most so far")

    # Make the work look routine and customer-facing: the preview follows.
    page.locator("#id_task_complexity_0").check()
    page.locator("#id_skill_scarcity_0").check()
    page.locator("#id_decision_authority_0").check()
    expect(preview(page).locator(".verdict-word")).to_have_text("BPO")
    page.locator("#id_customer_contact_5").check()
    expect(preview(page)).to_contain_text("4 of 9 questions answered")

    page.get_by_role("button", name="Get my recommendation").first.click()
    expect(page).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]{20,40}/$"))
    expect(page.locator(".verdict-card .verdict-word")).to_have_text("BPO")
    expect(page.get_by_text("Business process outsourcing").first).to_be_visible()
    for heading in ["Why", "What would change it", "Services", "Who can do the work"]:
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()


def test_shared_link_shows_the_same_page_in_a_fresh_browser(open_page, recommendations_by_verdict):
    first = open_page()
    first.goto(recommendations_by_verdict["hybrid"].get_absolute_url())
    share_url = first.locator("#share-url").input_value()
    brief = first.locator("main").inner_text()

    stranger = open_page()  # a new context: no cookies, no history
    stranger.goto(share_url)
    expect(stranger.locator(".verdict-card .verdict-word")).to_have_text("Hybrid")
    assert stranger.locator("main").inner_text() == brief


def test_edit_a_copy_prefills_the_questionnaire(page, recommendations_by_verdict):
    kpo = recommendations_by_verdict["kpo"]
    page.goto(kpo.get_absolute_url())
    page.get_by_role("link", name="Edit a copy").click()

    expect(page.get_by_text("This is a copy of a saved recommendation")).to_be_visible()
    expect(page.locator("#id_task_complexity_4")).to_be_checked()
    expect(page.locator("#id_decision_authority_3")).to_be_checked()
    expect(page.locator("#id_budget")).to_have_value("60")
    expect(preview(page).locator(".verdict-word")).to_have_text("KPO")

    page.get_by_label("What is the work called?").fill("Market entry study")
    page.get_by_role("button", name="Get my recommendation").first.click()
    expect(page).to_have_url(re.compile(r"/r/"))
    assert Recommendation.objects.count() == 4
    assert page.url != kpo.get_absolute_url()


def test_vendor_directory_filters_in_place_and_reloads_to_the_same_results(page, shipped_catalog):
    page.goto("/vendors/")
    heading = page.locator("#results-heading")
    everyone = heading.inner_text()
    page.evaluate("window.marker = 'still the same page'")

    page.get_by_label("Service", exact=True).select_option(label="Market research")
    expect(heading).to_contain_text("match your filters")
    expect(page).to_have_url(re.compile(r"service=market-research"))
    filtered = heading.inner_text()
    assert filtered != everyone
    names = page.locator(".vendor-card h3").all_inner_texts()
    assert names
    # htmx swapped the results: no page load happened.
    assert page.evaluate("window.marker") == "still the same page"

    page.reload()
    expect(heading).to_have_text(filtered)
    assert page.locator(".vendor-card h3").all_inner_texts() == names
    expect(page.get_by_label("Service", exact=True)).to_have_value("market-research")


def test_vendor_directory_searches_the_work_and_languages_in_place(page, shipped_catalog):
    page.goto("/vendors/")
    heading = page.locator("#results-heading")
    page.evaluate("window.marker = 'still the same page'")

    page.get_by_label("Search").fill("website")
    expect(heading).to_contain_text("match your search")
    page.get_by_label("English").check()
    page.get_by_label("Spanish").check()
    expect(page).to_have_url(re.compile(r"language=en&language=es"))
    expect(page.locator(".vendor-card h3")).to_contain_text(["Ipê Digital Studio"])
    assert page.evaluate("window.marker") == "still the same page"

    page.reload()
    expect(page.get_by_label("Spanish")).to_be_checked()
    expect(page.locator(".vendor-card h3")).to_contain_text(["Ipê Digital Studio"])


def test_catalog_editor_changes_a_description_and_sees_it_public(page, shipped_catalog):
    editor = catalog_editor()
    service = Service.objects.get(slug="payroll")
    page.goto("/admin/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.get_by_role("link", name="Services", exact=True).click()
    page.get_by_role("link", name=service.name, exact=True).click()
    page.get_by_label("Description").fill("Checked by two people before every pay run.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(service.get_absolute_url())
    expect(page.locator(".service-description")).to_have_text(
        "Checked by two people before every pay run."
    )


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_alone_completes_the_questionnaire(page, shipped_catalog):
    page.goto("/advisor/")
    tab_to(page, "#id_task_name")
    page.keyboard.type("Order entry")
    for name in ["task_complexity", "skill_scarcity", "decision_authority"]:
        tab_to(page, f"input[name={name}]")
        page.keyboard.press("Space")
        expect(page.locator(f"input[name={name}]").first).to_be_checked()
        # The preview swaps in beside the form; the focus stays where the person is.
        expect(page.locator(f"input[name={name}]").first).to_be_focused()
    expect(preview(page).locator(".verdict-word")).to_have_text("BPO")

    tab_to(page, "button[form=questionnaire]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/r/"))
    expect(page.locator(".verdict-card .verdict-word")).to_have_text("BPO")


def test_the_submit_button_is_disabled_once_the_submit_is_sent(page, market_research):
    def answer_with_no_content(route):
        # A 204 leaves the questionnaire showing, as a slow server would. A POST held
        # unanswered would leave a navigation pending, and Playwright waits for that
        # before it reads the page.
        if route.request.method == "POST":
            route.fulfill(status=204)
        else:
            route.continue_()

    page.route("**/advisor/", answer_with_no_content)
    page.goto("/advisor/")
    page.locator("#id_task_name").fill("Supplier invoices")
    for answer in ["#id_task_complexity_4", "#id_skill_scarcity_4", "#id_decision_authority_4"]:
        page.locator(answer).check()
    form = page.locator("#questionnaire")
    button = form.get_by_role("button", name="Working…")
    with page.expect_request(lambda request: request.method == "POST"):
        form.get_by_role("button", name="Get my recommendation").click()

    # Every submit button of the form waits, "Fill in typical answers" too.
    expect(button).to_have_count(2)
    for index in range(2):
        expect(button.nth(index)).to_be_disabled()
        expect(button.nth(index)).to_have_attribute("aria-busy", "true")
    assert not Recommendation.objects.exists()


def test_missing_answers_are_pointed_out_and_the_rest_kept(page, watcher, shipped_catalog):
    watcher.allow(r"status of 400")  # the form comes back as a 400, as it should
    page.goto("/advisor/")
    page.locator("#id_task_complexity_2").check()
    page.get_by_role("button", name="Get my recommendation").first.click()

    expect(page.locator("#form-errors")).to_be_focused()
    # The summary links to each question in error; the message also sits by the question.
    summary_link = page.locator("#form-errors").get_by_role("link", name="Skill scarcity")
    expect(summary_link).to_have_attribute("href", "#div_id_skill_scarcity")
    expect(
        page.locator("#div_id_skill_scarcity").get_by_text(
            "Please answer this question: the advice needs skill scarcity"
        )
    ).to_be_visible()
    expect(page.locator("#id_task_complexity_2")).to_be_checked()


def test_pdf_download_is_the_brief(page, recommendations_by_verdict):
    page.goto(recommendations_by_verdict["kpo"].get_absolute_url())
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.startswith("customer-research-kpo-")
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_typical_answers_fill_only_open_questions_in_place(page, shipped_catalog):
    page.goto("/advisor/")
    page.get_by_label("What is the work called?").fill("Supplier invoice keying")
    page.get_by_label("Data entry", exact=True).check()
    page.locator("#id_task_complexity_4").check()
    page.get_by_role("button", name="Fill in typical answers").click()

    expect(page.locator("#fill-result")).to_be_focused()
    expect(page.locator("#fill-result")).to_contain_text("Your own answers are unchanged")
    expect(page).to_have_url(re.compile(r"/advisor/$"))
    expect(page.get_by_label("What is the work called?")).to_have_value("Supplier invoice keying")
    expect(page.get_by_label("Data entry", exact=True)).to_be_checked()
    expect(page.locator("#id_task_complexity_4")).to_be_checked()  # the buyer's answer stays
    expect(page.locator("#id_skill_scarcity_0")).to_be_checked()  # filled from the service
    assert not Recommendation.objects.exists()

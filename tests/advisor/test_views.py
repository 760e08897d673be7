import re
import uuid
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from advisor.engine.questions import FACTOR_TEXTS
from advisor.models import Recommendation, ScoringSettings
from advisor.presenters import preview_key
from advisor.views import questionnaire_form
from outsourcing.models import Language
from tests.factories import EXPERT_ANSWERS, ROUTINE_ANSWERS, WORK
from tests.helpers import submit

DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"
QUESTIONNAIRE = "/advisor/"
PREVIEW = "/advisor/preview/"


def test_urls_are_the_public_contract():
    assert reverse("advisor:questionnaire") == QUESTIONNAIRE
    assert reverse("advisor:preview") == PREVIEW
    assert reverse("advisor:recommendation_detail", args=["a" * 24]) == f"/r/{'a' * 24}/"


def test_questionnaire_asks_every_question_in_plain_words(client, two_services_two_vendors):
    response = client.get(QUESTIONNAIRE)
    assert response.status_code == 200
    content = response.content.decode()
    for factor, text in FACTOR_TEXTS.items():
        assert f'name="{factor.value}"' in content
        assert text.question in content
        for choice in text.choices:
            assert f'value="{choice.value}"' in content
    assert response.context["answered_count"] == 0
    assert 'name="submission_id"' in content


def test_questionnaire_answers_htmx_requests(client, two_services_two_vendors, htmx_headers):
    response = client.get(QUESTIONNAIRE, headers=htmx_headers)
    assert response.status_code == 200
    assert '<form id="questionnaire"' in response.content.decode()


def test_starting_from_a_service_prefills_its_profile(client, two_services_two_vendors):
    response = client.get(QUESTIONNAIRE, {"service": "market-research"})
    form = response.context["form"]
    assert form.initial["task_complexity"] == 5
    assert form.initial["customer_contact"] == 1
    assert response.context["preview"].verdict == "kpo"
    assert "is chosen and its typical answers are filled in" in response.content.decode()


def test_unknown_starting_service_or_token_is_ignored(client, two_services_two_vendors):
    for query in [
        {"service": "nope"},
        {"from": "x" * 500},
    ]:
        response = client.get(QUESTIONNAIRE, query)
        assert response.status_code == 200
        content = response.content.decode()
        assert "its typical answers are filled in" not in content
        assert "copy of a saved recommendation" not in content


def test_submitting_saves_and_redirects_to_the_share_link(client, two_services_two_vendors):
    response = submit(client, EXPERT_ANSWERS, countries=["PL"], budget="60")
    recommendation = Recommendation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/r/{recommendation.token}/"
    assert recommendation.verdict == "kpo"
    assert recommendation.preferences["countries"] == ["PL"]
    assert recommendation.preferences["budget"] == 60


def test_missing_required_answer_keeps_every_other_answer(client, two_services_two_vendors):
    answers = {**EXPERT_ANSWERS, "decision_authority": "", "technology": "4"}
    response = submit(client, answers, budget="45")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["decision_authority"] == [
        "Please answer this question: the advice needs decision authority."
    ]
    content = response.content.decode()
    assert re.search(r'name="technology" value="4"[^>]*checked', content)
    assert re.search(r'name="task_complexity" value="5"[^>]*checked', content)
    assert 'value="45"' in content
    assert (
        '<a class="alert-link" href="#div_id_decision_authority">Decision authority</a>' in content
    )
    assert 'id="div_id_decision_authority"' in content
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Task complexity must be between 1 and 5, not 0."),
        ("6", "Task complexity must be between 1 and 5, not 6."),
        ("abc", "Task complexity must be a whole number from 1 to 5, not 'abc'."),
        ("3.5", "Task complexity must be a whole number from 1 to 5, not '3.5'."),
    ],
)
def test_tampered_values_are_refused_and_save_nothing(
    client, two_services_two_vendors, value, message
):
    response = submit(client, {**EXPERT_ANSWERS, "task_complexity": value})
    assert response.status_code == 400
    assert response.context["form"].errors["task_complexity"] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Recommendation.objects.exists()


LONG_NUMBER = "9" * 4301  # past Python's limit for turning digits into an int
LONG_NUMBER_MESSAGE = "Technology must be between 1 and 5, not a number 4,301 digits long."


def test_a_number_too_long_to_read_is_refused_and_keeps_the_other_answers(
    client, two_services_two_vendors
):
    response = submit(client, {**EXPERT_ANSWERS, "technology": LONG_NUMBER}, budget="45")
    assert response.status_code == 400
    assert LONG_NUMBER_MESSAGE in response.content.decode()
    form = response.context["form"]
    assert form["task_complexity"].value() == EXPERT_ANSWERS["task_complexity"]
    assert form["budget"].value() == "45"
    assert not Recommendation.objects.exists()


def test_the_preview_refuses_a_number_too_long_to_read(
    client, two_services_two_vendors, htmx_headers
):
    response = client.post(
        PREVIEW, {**EXPERT_ANSWERS, "technology": LONG_NUMBER}, headers=htmx_headers
    )
    assert response.status_code == 400
    assert LONG_NUMBER_MESSAGE in response.content.decode()


def test_unknown_field_is_refused(client, two_services_two_vendors):
    response = submit(client, EXPERT_ANSWERS, is_admin="1")
    assert response.status_code == 400
    assert "fields it does not have (“is_admin”)" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_repeated_answer_is_refused(client, two_services_two_vendors):
    response = client.post(
        QUESTIONNAIRE,
        "task_complexity=1&task_complexity=5&skill_scarcity=1&decision_authority=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "more than one answer to the same question (task_complexity)" in (
        response.content.decode()
    )
    assert not Recommendation.objects.exists()


def test_unknown_preference_choice_is_refused(client, two_services_two_vendors):
    response = submit(client, EXPERT_ANSWERS, countries=["ZZ"], budget="-5")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "countries" in errors
    assert "budget" in errors
    assert not Recommendation.objects.exists()


def test_a_repeated_preference_is_saved_once(client, two_services_two_vendors):
    response = submit(client, EXPERT_ANSWERS, countries=["PL"] * 900 + ["PH", "PL"])
    assert response.status_code == 302
    assert Recommendation.objects.get().preferences["countries"] == ["PH", "PL"]


def test_double_submit_creates_one_recommendation(client, two_services_two_vendors):
    data = {"submission_id": str(uuid.uuid4()), **WORK, **ROUTINE_ANSWERS}
    first = client.post(QUESTIONNAIRE, data)
    second = client.post(QUESTIONNAIRE, data)
    assert first["Location"] == second["Location"]
    assert Recommendation.objects.count() == 1


def test_questionnaire_refuses_other_methods(client, two_services_two_vendors):
    assert client.put(QUESTIONNAIRE).status_code == 405


def test_preview_shows_progress_before_the_required_answers(
    client, two_services_two_vendors, htmx_headers
):
    response = client.post(PREVIEW, {"task_complexity": "4"}, headers=htmx_headers)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="result-panel"')
    assert "1 of 9" in content
    assert "Answer skill scarcity, decision authority to see a first verdict." in content
    assert 'aria-live="polite"' in content


def test_preview_shows_verdict_score_and_reasons(client, two_services_two_vendors, htmx_headers):
    response = client.post(PREVIEW, EXPERT_ANSWERS, headers=htmx_headers)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.verdict == "kpo"
    content = response.content.decode()
    assert "KPO score 100" in content
    for reason in response.context["preview_reasons"]:
        assert reason.reason.replace("'", "&#x27;") in content


def test_preview_changes_with_the_answers(client, two_services_two_vendors, htmx_headers):
    routine = client.post(PREVIEW, ROUTINE_ANSWERS, headers=htmx_headers)
    expert = client.post(PREVIEW, EXPERT_ANSWERS, headers=htmx_headers)
    assert routine.context["preview"].verdict == "bpo"
    assert expert.context["preview"].verdict == "kpo"


def test_preview_refuses_tampered_values_with_a_message(
    client, two_services_two_vendors, htmx_headers
):
    response = client.post(
        PREVIEW, {**ROUTINE_ANSWERS, "skill_scarcity": "9"}, headers=htmx_headers
    )
    assert response.status_code == 400
    assert "Skill scarcity must be between 1 and 5, not 9." in response.content.decode()
    assert not Recommendation.objects.exists()


def test_preview_works_as_a_plain_post_and_refuses_get(client, two_services_two_vendors):
    response = client.post(PREVIEW, ROUTINE_ANSWERS)
    assert response.status_code == 200
    assert response.context["answered_count"] == 3
    assert client.get(PREVIEW).status_code == 405


def test_recommendation_page_is_a_brief_a_manager_can_read(client, recommendation):
    response = client.get(recommendation.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    for heading in ["Why", "What would change it", "Services", "Who can do the work"]:
        assert f">{heading}</h2>" in content
    assert "KPO score 100" in content
    assert "Market research" in content
    assert "Krakow Insight" in content
    assert "<svg" in content and 'role="img"' in content and "<desc" in content
    assert f'value="http://testserver/r/{recommendation.token}/"' in content
    assert f'href="/advisor/?from={recommendation.token}"' in content
    assert "Poland" in content


def test_recommendation_page_is_not_indexed_and_has_link_previews(client, recommendation):
    response = client.get(recommendation.get_absolute_url())
    content = response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex, nofollow">' in content
    title = "Market entry research: KPO outsourcing recommended"
    assert f'<meta property="og:title" content="{title}">' in content
    assert '<meta property="og:description"' in content


def test_recommendation_page_shows_no_internal_ids(client, recommendation):
    content = client.get(recommendation.get_absolute_url()).content.decode()
    assert f"/admin/advisor/recommendation/{recommendation.pk}" not in content
    assert '"id"' not in content
    assert recommendation.submission_key not in content


def test_recommendation_page_answers_htmx_requests(client, recommendation, htmx_headers):
    response = client.get(recommendation.get_absolute_url(), headers=htmx_headers)
    assert response.status_code == 200
    content = response.content.decode()
    assert "KPO score 100" in content
    assert "Krakow Insight" in content


@pytest.mark.parametrize(
    "path",
    ["/r/AAAAAAAAAAAAAAAAAAAAAAAA/", "/r/short/", "/r/1/", "/r/%3Cscript%3E/", "/r/"],
)
def test_unknown_or_malformed_token_gives_the_404_page(client, two_services_two_vendors, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_edit_a_copy_prefills_answers_and_preferences(client, recommendation):
    response = client.get(QUESTIONNAIRE, {"from": recommendation.token})
    form = response.context["form"]
    assert form.initial["task_complexity"] == 5
    assert form.initial["countries"] == ["PL"]
    assert form.initial["submission_id"]
    assert "makes a new link" in response.content.decode()


def test_old_link_shows_the_old_result_after_a_weight_change(
    client, two_services_two_vendors, admin_client
):
    answers = {"task_complexity": "4", "skill_scarcity": "4", "decision_authority": "4"}
    submit(client, answers)
    old = Recommendation.objects.get()
    before = client.get(old.get_absolute_url()).content.decode()
    assert old.verdict == "kpo"

    settings = ScoringSettings.objects.get()
    form = (
        admin_client.get(reverse("admin:advisor_scoringsettings_change", args=[settings.pk]))
        .context["adminform"]
        .form
    )
    response = admin_client.post(
        reverse("admin:advisor_scoringsettings_change", args=[settings.pk]),
        {**form.initial, "task_complexity_weight": "9.5", "bpo_max": "80", "kpo_min": "90"},
    )
    assert response.status_code == 302

    submit(client, answers)
    new = Recommendation.objects.exclude(pk=old.pk).get()
    assert new.verdict != old.verdict
    after = client.get(old.get_absolute_url()).content.decode()
    assert main_content(before) == main_content(after)


def main_content(page):
    return page[page.index("<main") : page.index("</main>")]


def test_questionnaire_forms_share_their_choices_rather_than_copy_them(two_services_two_vendors):
    first, second = questionnaire_form(), questionnaire_form(QueryDict("countries=XX"))
    task = "task_complexity"
    assert first.fields[task].widget.choices is second.fields[task].widget.choices
    for name in ("countries", "languages", "certifications"):
        assert first.fields[name].widget.choices is first.fields[name].choices
    assert ("PH", "Philippines") in first.fields["countries"].choices
    assert not second.is_valid() and "countries" in second.errors


def delete_elsewhere(recommendation) -> None:
    """Delete the row as another process would: this process's caches hear nothing."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM advisor_recommendation WHERE id = %s", [recommendation.pk])


def test_a_deleted_recommendation_stops_answering_at_once(client, recommendation):
    url = recommendation.get_absolute_url()
    etag = client.get(url)["ETag"]
    assert (
        "copy of a saved recommendation"
        in client.get(QUESTIONNAIRE, {"from": recommendation.token}).text
    )
    delete_elsewhere(recommendation)
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404
    assert client.get(f"{url}pdf/").status_code == 404
    copy = client.get(QUESTIONNAIRE, {"from": recommendation.token})
    assert "copy of a saved recommendation" not in copy.text
    assert not copy.context["form"].initial.get("task_complexity")


def test_a_link_that_never_existed_is_never_not_modified(client, two_services_two_vendors):
    response = client.get("/r/AAAAAAAAAAAAAAAAAAAAAAAA/", headers={"If-None-Match": "*"})
    assert response.status_code == 404


def test_a_plain_text_preview_does_not_change_what_others_see(client, two_services_two_vendors):
    body = urlencode(EXPERT_ANSWERS)
    form = "application/x-www-form-urlencoded"
    client.post(PREVIEW, body, content_type="text/plain")
    response = client.post(PREVIEW, body, content_type=form)
    assert "3 of 9" in response.text
    assert "KPO score 100" in response.text


def test_an_old_link_keeps_the_preference_names_it_was_saved_with(client, two_services_two_vendors):
    submit(client, EXPERT_ANSWERS, languages=["en"])
    recommendation = Recommendation.objects.get()
    Language.objects.filter(code="en").update(name="Englisch")
    Language.objects.get(code="en").save()
    page = client.get(recommendation.get_absolute_url()).text
    assert '<td>English <span class="text-muted-ink">· preferred</span>' in page
    assert "Englisch" not in page


def test_under_debug_a_changed_value_shows_at_once(client, recommendation, settings):
    # What DJANGO_DEBUG=1 sets (tests/test_settings.py checks the rendered alias).
    settings.DEBUG = True
    settings.CACHES = {**settings.CACHES, "rendered": {"BACKEND": DUMMY_CACHE}}
    url = recommendation.get_absolute_url()
    assert "Krakow Insight" in client.get(url).text
    assert "Market research" in client.get(QUESTIONNAIRE).text
    # Changes no write path announces, as a template edit is not announced either.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE advisor_recommendation SET vendors = %s WHERE id = %s",
            ["[]", recommendation.pk],
        )
        cursor.execute("UPDATE outsourcing_language SET name = 'Englisch' WHERE code = 'en'")
    assert "Krakow Insight" not in client.get(url).text
    assert "Englisch" in client.get(QUESTIONNAIRE).text


def test_pages_behind_a_link_are_private_and_never_send_its_token_on(client, recommendation):
    page = client.get(recommendation.get_absolute_url())
    assert page["Referrer-Policy"] == "no-referrer"
    assert page["Cache-Control"].startswith("private")
    # A copy's form posts, and a post under no-referrer carries `Origin: null`, which
    # the CSRF check refuses: the origin alone is sent instead.
    copy = client.get(QUESTIONNAIRE, {"from": recommendation.token})
    assert copy["Referrer-Policy"] == "strict-origin"
    assert copy["Cache-Control"] == "private"
    assert client.get(QUESTIONNAIRE)["Referrer-Policy"] == "same-origin"


def test_a_kept_preview_is_the_same_preview(client, two_services_two_vendors, htmx_headers):
    first = client.post(PREVIEW, {**WORK, **EXPERT_ANSWERS}, headers=htmx_headers)
    again = client.post(PREVIEW, {**WORK, **EXPERT_ANSWERS}, headers=htmx_headers)
    assert (again.status_code, again.content) == (200, first.content)
    unnamed = client.post(PREVIEW, EXPERT_ANSWERS, headers=htmx_headers)
    assert "needs a name" in unnamed.text
    assert "needs a name" not in again.text


def test_a_kept_preview_follows_a_change_to_the_scoring_settings(
    client, two_services_two_vendors, htmx_headers
):
    answers = {"task_complexity": "4", "skill_scarcity": "4", "decision_authority": "3"}
    before = client.post(PREVIEW, answers, headers=htmx_headers)
    assert before.context["preview"].verdict == "kpo"
    scoring = ScoringSettings.objects.get()
    scoring.kpo_min = 95
    scoring.save()
    after = client.post(PREVIEW, answers, headers=htmx_headers)
    assert after.context["preview"].verdict == "hybrid"


def test_a_preview_with_a_bad_answer_is_never_kept(client, two_services_two_vendors, htmx_headers):
    bad = {**EXPERT_ANSWERS, "technology": "9"}
    for _ in range(2):
        response = client.post(PREVIEW, bad, headers=htmx_headers)
        assert response.status_code == 400
        assert "Technology must be between 1 and 5, not 9." in response.text
    assert preview_key(QueryDict(urlencode(bad))) is None
    assert preview_key(QueryDict(urlencode({**EXPERT_ANSWERS, "technology": " 4 "}))) == (
        "preview:5,5,5,,,,,4,:0"
    )

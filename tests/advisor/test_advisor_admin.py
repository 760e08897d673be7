import pytest
from django.urls import reverse

from advisor.engine import Factor
from advisor.engine.parameters import DEFAULT_PARAMETERS
from advisor.models import Recommendation, ScoringSettings
from tests.factories import ServiceFactory, UserFactory, catalog_editor

pytestmark = pytest.mark.django_db


def test_recommendations_are_listed_read_only(admin_client, recommendation):
    changelist = reverse("admin:advisor_recommendation_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert admin_client.get(changelist, {"q": recommendation.token}).context["cl"].result_count == 1
    assert admin_client.get(changelist, {"q": "no-such-token"}).context["cl"].result_count == 0
    detail = admin_client.get(
        reverse("admin:advisor_recommendation_change", args=[recommendation.pk])
    )
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get(reverse("admin:advisor_recommendation_add")).status_code == 403
    delete = reverse("admin:advisor_recommendation_delete", args=[recommendation.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Recommendation.objects.count() == 1


def test_scoring_settings_exist_once_and_cannot_be_added_or_deleted(admin_client):
    settings = ScoringSettings.objects.get()
    assert admin_client.get(reverse("admin:advisor_scoringsettings_add")).status_code == 403
    delete = reverse("admin:advisor_scoringsettings_delete", args=[settings.pk])
    assert admin_client.get(delete).status_code == 403


def test_scoring_settings_refuse_inconsistent_thresholds(admin_client):
    settings = ScoringSettings.objects.get()
    url = reverse("admin:advisor_scoringsettings_change", args=[settings.pk])
    form = admin_client.get(url).context["adminform"].form
    response = admin_client.post(url, {**form.initial, "bpo_max": "70", "kpo_min": "60"})
    assert response.status_code == 200
    assert "Thresholds must satisfy 0 &lt;= bpo_max &lt; kpo_min &lt;= 100" in (
        response.content.decode()
    )
    assert ScoringSettings.objects.get().bpo_max == settings.bpo_max


def test_scoring_settings_refuse_a_zero_weight(admin_client):
    settings = ScoringSettings.objects.get()
    url = reverse("admin:advisor_scoringsettings_change", args=[settings.pk])
    form = admin_client.get(url).context["adminform"].form
    response = admin_client.post(url, {**form.initial, "technology_weight": "0"})
    assert "A weight must be at least 0.1." in response.content.decode()


def test_default_settings_are_the_engines_defaults():
    assert ScoringSettings.objects.get().parameters() == DEFAULT_PARAMETERS
    assert ScoringSettings.current_parameters() == DEFAULT_PARAMETERS


def test_without_a_settings_row_the_engine_defaults_apply():
    ScoringSettings.objects.all().delete()
    assert ScoringSettings.current_parameters() == DEFAULT_PARAMETERS


@pytest.mark.parametrize(
    ("user_kind", "status"), [("anonymous", 302), ("non-staff", 302), ("catalog editor", 403)]
)
def test_advisor_admin_is_closed_to_everyone_but_superusers(
    client, recommendation, user_kind, status
):
    if user_kind == "non-staff":
        client.force_login(UserFactory())
    elif user_kind == "catalog editor":
        client.force_login(catalog_editor())
    for name in ["recommendation", "scoringsettings"]:
        response = client.get(reverse(f"admin:advisor_{name}_changelist"))
        assert response.status_code == status
        if status == 302:
            assert response["Location"].startswith(reverse("admin:login"))
        assert recommendation.token not in response.content.decode()


# The service form's classification of a typical answer profile (advisor/admin.py)

KPO_PROFILE = {
    "task_complexity": 5,
    "skill_scarcity": 5,
    "decision_authority": 4,
    "process_definition": 4,
    "core_proximity": 4,
    "customization": 5,
    "driving_force": 5,
    "technology": 4,
    "customer_contact": 1,
}


def test_classify_view_gives_the_verdict_score_and_agreement(admin_client):
    url = reverse("admin:outsourcing_service_classify")
    response = admin_client.get(url, {**KPO_PROFILE, "process_type": "bpo"})
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "kpo"
    assert body["kpo_score"] > 66
    assert body["contradicts"] is True
    assert "but the service is BPO" in body["text"]
    agrees = admin_client.get(url, {**KPO_PROFILE, "process_type": "kpo"}).json()
    assert agrees["contradicts"] is False
    assert "agrees with the service's type" in agrees["text"]
    refused = admin_client.get(url, {**KPO_PROFILE, "task_complexity": "9"})
    assert refused.json() == {"error": "Task complexity must be between 1 and 5, not 9."}


def test_classify_view_uses_the_current_scoring_settings(admin_client):
    url = reverse("admin:outsourcing_service_classify")
    before = admin_client.get(url, KPO_PROFILE).json()
    settings = ScoringSettings.objects.get()
    settings.bpo_max, settings.kpo_min = 1, 99
    settings.save()
    assert admin_client.get(url, KPO_PROFILE).json()["verdict"] == "hybrid"
    assert before["verdict"] == "kpo"


def test_classify_view_is_for_staff_who_may_see_services(client):
    url = reverse("admin:outsourcing_service_classify")
    assert client.get(url, KPO_PROFILE).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url, KPO_PROFILE).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url, KPO_PROFILE).status_code == 403
    client.force_login(catalog_editor())
    assert client.get(url, KPO_PROFILE).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {},
        {**KPO_PROFILE, "task_complexity": "9"},
        {**KPO_PROFILE, "skill_scarcity": "abc"},
        {**KPO_PROFILE, "decision_authority": "9" * 5000},
        {**KPO_PROFILE, "technology": "\x00"},
        {**KPO_PROFILE, "process_type": "xpo"},
    ],
)
def test_classify_view_refuses_bad_input_with_400(admin_client, query):
    response = admin_client.get(reverse("admin:outsourcing_service_classify"), query)
    assert response.status_code == 400


def service_form_data(client, service, **changes):
    url = reverse("admin:outsourcing_service_change", args=[service.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    return url, {**data, "category": service.category.pk, "is_active": "on", **changes}


def test_a_profile_that_contradicts_its_type_saves_only_when_confirmed(admin_client):
    service = ServiceFactory(name="Payroll", process_type="bpo")
    url, data = service_form_data(admin_client, service, **KPO_PROFILE)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["confirm_profile"][0].startswith(
        "The advisor classifies this profile as KPO, but the service is BPO."
    )
    page = response.content.decode()
    assert "Save anyway: I confirm this profile" in page
    assert 'type="checkbox" name="confirm_profile"' in page
    service.refresh_from_db()
    assert service.task_complexity == 1

    response = admin_client.post(url, {**data, "confirm_profile": "on"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.profile[Factor.TASK_COMPLEXITY] == 5


def test_a_profile_that_agrees_or_is_hybrid_saves_without_confirmation(admin_client):
    service = ServiceFactory(name="Research", process_type="kpo")
    url, data = service_form_data(admin_client, service, **KPO_PROFILE)
    page = admin_client.get(url).content.decode()
    assert 'type="hidden" name="confirm_profile"' in page
    assert admin_client.post(url, data).status_code == 302
    mixed = dict.fromkeys(KPO_PROFILE, 3)
    response = admin_client.get(reverse("admin:outsourcing_service_classify"), mixed)
    assert response.json()["verdict"] == "hybrid"
    assert admin_client.post(url, {**data, **mixed, "process_type": "bpo"}).status_code == 302


def test_service_form_shows_the_saved_profile_s_classification(admin_client):
    service = ServiceFactory(name="Research", kpo=True)
    page = admin_client.get(
        reverse("admin:outsourcing_service_change", args=[service.pk])
    ).content.decode()
    assert 'id="profile-classification"' in page
    assert "The advisor classifies this profile as KPO" in page
    assert "outsourcing/profile-classification.js" in page

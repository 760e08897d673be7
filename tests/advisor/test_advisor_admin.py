import pytest
from django.urls import reverse

from advisor.engine import Factor, Task
from advisor.engine.parameters import DEFAULT_PARAMETERS
from advisor.models import Recommendation, ScoringSettings
from advisor.services import recommendation_create
from tests.factories import UserFactory, catalog_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(catalog):
    return recommendation_create(
        task=Task("Customer research"),
        answers={
            Factor.TASK_COMPLEXITY: 1,
            Factor.SKILL_SCARCITY: 1,
            Factor.DECISION_AUTHORITY: 1,
        },
        preferences={},
    )


def test_recommendations_are_listed_read_only(admin_client, recommendation):
    changelist = reverse("admin:advisor_recommendation_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert admin_client.get(changelist, {"q": recommendation.token}).status_code == 200
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


@pytest.mark.parametrize("user_kind", ["anonymous", "non-staff", "catalog editor"])
def test_advisor_admin_is_closed_to_everyone_but_superusers(client, recommendation, user_kind):
    if user_kind == "non-staff":
        client.force_login(UserFactory())
    elif user_kind == "catalog editor":
        client.force_login(catalog_editor())
    for name in ["recommendation", "scoringsettings"]:
        response = client.get(reverse(f"admin:advisor_{name}_changelist"))
        assert response.status_code in (302, 403)

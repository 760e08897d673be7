"""Tampered admin requests: ids that cannot exist in a bulk action or a list-editable
changelist get the changelist with a message, filters holding NUL a 400, never a 500,
on every admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from outsourcing.admin import IdCheckingModelAdmin
from outsourcing.models import ServiceCategory
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:outsourcing_servicecategory_changelist",
    "admin:outsourcing_service_changelist",
    "admin:outsourcing_vendor_changelist",
    "admin:outsourcing_language_changelist",
    "admin:outsourcing_certification_changelist",
    "admin:advisor_recommendation_changelist",
    "admin:advisor_scoringsettings_changelist",
]
NOT_IDS = ["abc", "1.5", "9" * 25, "-1", "٣"]
MESSAGE = "The rows sent could not be read as records of this list"


@pytest.mark.parametrize("changelist", CHANGELISTS)
@pytest.mark.parametrize("not_an_id", NOT_IDS)
def test_a_bulk_action_on_ids_that_cannot_exist_shows_the_list_and_a_message(
    admin_client, changelist, not_an_id
):
    ServiceFactory()
    response = admin_client.post(
        reverse(changelist),
        {"action": "delete_selected", "index": "0", "_selected_action": ["1", not_an_id]},
        follow=True,
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert ServiceCategory.objects.exists()


@pytest.mark.parametrize("changelist", CHANGELISTS)
@pytest.mark.parametrize("query", ["name=%00", "q=%00", "id__in=1,%00"])
def test_a_filter_holding_nul_is_refused_before_the_database(admin_client, changelist, query):
    # PostgreSQL refuses NUL in any text, so a lookup holding one would fail there.
    response = admin_client.get(f"{reverse(changelist)}?{query}")
    assert response.status_code == 400
    assert "The request holds a NUL character" in response.content.decode()


@pytest.mark.parametrize("not_an_id", NOT_IDS)
def test_a_list_edit_of_an_id_that_cannot_exist_shows_the_list_and_a_message(
    admin_client, not_an_id
):
    category = ServiceFactory().category
    response = admin_client.post(
        reverse("admin:outsourcing_servicecategory_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": not_an_id,
            "form-0-position": "7",
            "_save": "Save",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    category.refresh_from_db()
    assert category.position != 7


@pytest.mark.parametrize("app", ["outsourcing", "advisor"])
def test_every_admin_checks_the_ids_it_is_sent(app):
    for model in apps.get_app_config(app).get_models():
        if admin.site.is_registered(model):
            assert isinstance(admin.site.get_model_admin(model), IdCheckingModelAdmin), model

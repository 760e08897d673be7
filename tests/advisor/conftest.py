import pytest

from advisor.models import Recommendation
from tests.factories import EXPERT_ANSWERS, ServiceFactory, VendorFactory
from tests.helpers import submit


@pytest.fixture
def two_services_two_vendors(db):
    """One routine service with a Philippine vendor, one expert service with a Polish one."""
    data_entry = ServiceFactory(name="Data entry", slug="data-entry")
    research = ServiceFactory(name="Market research", slug="market-research", kpo=True)
    return {
        "data_entry": data_entry,
        "research": research,
        "keyers": VendorFactory(name="Manila Keyers", slug="manila-keyers", services=[data_entry]),
        "insight": VendorFactory(
            name="Krakow Insight",
            slug="krakow-insight",
            services=[research],
            headquarters="PL",
            delivery_countries=["PL"],
            hourly_rate_min=45,
            hourly_rate_max=90,
        ),
    }


@pytest.fixture
def recommendation(client, two_services_two_vendors):
    """An expert brief asking for delivery from Poland, submitted through the form."""
    submit(client, EXPERT_ANSWERS, countries=["PL"])
    return Recommendation.objects.get()

"""Preview before publishing: an editor opens an inactive vendor's or service's public
page, marked as a preview, kept by no cache and indexed by no search engine; everyone
else gets the 404 page."""

import pytest
from django.urls import reverse

from outsourcing.models import Service, Vendor
from tests.factories import UserFactory, catalog_editor


@pytest.fixture
def unpublished(market_research):
    Vendor.objects.update(is_active=False)
    Service.objects.update(is_active=False)
    return [
        (Vendor.objects.get(), "Preview: this vendor is not published."),
        (Service.objects.get(), "Preview: this service is not published."),
    ]


def test_an_editor_previews_an_unpublished_page(client, unpublished):
    client.force_login(catalog_editor())
    for entry, banner in unpublished:
        response = client.get(entry.get_absolute_url())
        assert response.status_code == 200
        assert banner in response.text
        assert '<meta name="robots" content="noindex, nofollow">' in response.text
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert not response.has_header("ETag")


@pytest.mark.parametrize("who", ["anonymous", "buyer", "staff without permission"])
def test_no_one_else_sees_an_unpublished_page(client, unpublished, who):
    if who == "buyer":
        client.force_login(UserFactory())
    elif who == "staff without permission":
        client.force_login(UserFactory(is_staff=True))
    for entry, banner in unpublished:
        response = client.get(entry.get_absolute_url())
        assert response.status_code == 404
        assert banner not in response.text


def test_a_published_page_is_no_preview_even_for_an_editor(client, market_research):
    client.force_login(catalog_editor())
    vendor = Vendor.objects.get()
    response = client.get(vendor.get_absolute_url())
    assert "Preview:" not in response.text
    assert "noindex" not in response.text
    assert not response.has_header("X-Robots-Tag")


def test_the_admin_links_an_unpublished_entry_to_its_preview(client, unpublished):
    client.force_login(catalog_editor())
    for entry, _ in unpublished:
        url = reverse(f"admin:outsourcing_{entry._meta.model_name}_change", args=[entry.pk])
        text = client.get(url).text
        assert (
            f'<a href="{entry.get_absolute_url()}" target="_blank">Preview the public page</a>'
            in text
        )

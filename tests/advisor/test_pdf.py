import io
import os

import pypdf
import pytest
from django.urls import reverse

from advisor.models import Recommendation
from tests.advisor.test_views import submit
from tests.factories import EXPERT_ANSWERS

pytestmark = pytest.mark.django_db

try:
    import weasyprint  # noqa: F401  (loads Pango)
except OSError:
    PANGO = False
else:
    PANGO = True
# CI installs Pango (.ci/run), so there a missing Pango fails the tests instead.
needs_pango = pytest.mark.skipif(
    not PANGO and not os.environ.get("CI"),
    reason="PDF tests skipped: install the Debian packages libpango-1.0-0 libpangoft2-1.0-0",
)


@pytest.fixture
def recommendation(client, catalog):
    submit(client, EXPERT_ANSWERS, countries=["PL"])
    return Recommendation.objects.get()


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_url_is_beside_the_share_link(recommendation):
    url = reverse("advisor:recommendation_pdf", args=[recommendation.token])
    assert url == f"/r/{recommendation.token}/pdf/"


@needs_pango
def test_pdf_is_the_brief_with_its_share_link(client, recommendation):
    response = client.get(f"/r/{recommendation.token}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="outsourcing-recommendation-kpo-')
    assert disposition.endswith('.pdf"')
    assert response["X-Robots-Tag"] == "noindex"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "KPO outsourcing recommended" in text
    assert "Knowledge process outsourcing" in text
    assert "KPO score 100" in text
    for heading in ["Why", "What would change it", "Services that fit", "Who can do the work"]:
        assert heading in text
    assert "Krakow Insight" in text
    assert f"http://testserver/r/{recommendation.token}/" in text.replace("\n", "")


@needs_pango
def test_pdf_answers_head(client, recommendation):
    response = client.head(f"/r/{recommendation.token}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_pdf_refuses_post_and_unknown_tokens(client, recommendation):
    assert client.post(f"/r/{recommendation.token}/pdf/").status_code == 405
    response = client.get("/r/AAAAAAAAAAAAAAAAAAAAAAAA/pdf/")
    assert response.status_code == 404


def test_recommendation_page_links_its_pdf(client, recommendation):
    content = client.get(recommendation.get_absolute_url()).content.decode()
    assert f'href="/r/{recommendation.token}/pdf/" download>Download PDF</a>' in content


def test_without_pango_the_pdf_is_a_clear_503_page(client, recommendation, monkeypatch):
    def import_without_pango(name):
        raise OSError("cannot load library 'libpango-1.0-0'")

    # What importing WeasyPrint does on a machine without Pango.
    monkeypatch.setattr("advisor.views.import_module", import_without_pango)
    response = client.get(f"/r/{recommendation.token}/pdf/")
    assert response.status_code == 503
    content = response.content.decode()
    assert "The PDF cannot be made right now" in content
    assert recommendation.get_absolute_url() in content


@needs_pango
def test_pdf_fetcher_reads_static_files_and_refuses_everything_else():
    from advisor.pdf import StaticFilesOnly

    fetcher = StaticFilesOnly("http://testserver")
    css = fetcher.fetch("http://testserver/static/outsourcing/brief-pdf.css")
    assert b"@page" in css.read()
    for url in [
        "https://cdn.example/bootstrap.css",
        "http://testserver/admin/",
        "http://other.example/static/outsourcing/brief-pdf.css",
        "file:///etc/passwd",
        "http://testserver/static/../manage.py",
        "http://testserver/static/outsourcing/no-such-file.css",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)

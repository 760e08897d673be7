import io
import os
import threading
from types import SimpleNamespace

import pypdf
import pytest
from django.urls import reverse

from advisor import views
from advisor.models import RecommendationPdf

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
    assert disposition.startswith('attachment; filename="market-entry-research-kpo-')
    assert disposition.endswith('.pdf"')
    assert response["X-Robots-Tag"] == "noindex"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Market entry research" in text
    assert "Knowledge process outsourcing" in text
    assert "KPO score 100" in text
    # The decisions, for a boss; the reasoning stays at the link.
    for heading in ["In a minute", "What it must comply with", "Who can do the work"]:
        assert heading in text
    assert "What would change it" not in text
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


@pytest.fixture
def renders(monkeypatch):
    """Stands in for WeasyPrint and lists the briefs it was asked to draw."""
    drawn = []

    def html_to_pdf(html, *, base_url):
        drawn.append(html)
        return b"%PDF-1.7 drawn once"

    monkeypatch.setattr(
        "advisor.views.import_module", lambda name: SimpleNamespace(html_to_pdf=html_to_pdf)
    )
    return drawn


def test_the_pdf_is_drawn_once_and_then_served_as_stored(client, recommendation, renders):
    url = f"/r/{recommendation.token}/pdf/"
    first = client.get(url)
    assert client.head(url).status_code == 200
    second = client.get(url)
    assert len(renders) == 1
    assert first.content == second.content == b"%PDF-1.7 drawn once"
    assert second["Content-Disposition"] == first["Content-Disposition"]


def test_a_head_request_draws_it_once_too(client, recommendation, renders):
    url = f"/r/{recommendation.token}/pdf/"
    for _ in range(3):
        assert client.head(url).status_code == 200
    assert len(renders) == 1
    assert client.get(url).content == b"%PDF-1.7 drawn once"


def test_the_pdf_is_private_and_sends_no_referrer(client, recommendation, renders):
    for _ in range(2):  # drawn, then stored
        response = client.get(f"/r/{recommendation.token}/pdf/")
        assert response["Cache-Control"] == "private"
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["X-Robots-Tag"] == "noindex"


def test_a_deleted_recommendation_takes_its_pdf_with_it(client, recommendation, renders):
    url = f"/r/{recommendation.token}/pdf/"
    for _ in range(3):  # drawn, read from the database, then kept in the process
        assert client.get(url).status_code == 200
    assert RecommendationPdf.objects.filter(recommendation=recommendation).exists()
    recommendation.delete()
    assert not RecommendationPdf.objects.exists()
    assert client.get(url).status_code == 404


def test_a_pdf_drawn_again_is_served_afresh_not_as_kept(
    client, recommendation, renders, monkeypatch
):
    url = f"/r/{recommendation.token}/pdf/"
    for _ in range(3):  # drawn, read from the database, then kept in the process
        assert client.get(url).content == b"%PDF-1.7 drawn once"
    RecommendationPdf.objects.filter(recommendation=recommendation).delete()
    drawn = SimpleNamespace(html_to_pdf=lambda html, *, base_url: b"%PDF-1.7 drawn again")
    monkeypatch.setattr("advisor.views.import_module", lambda name: drawn)
    for _ in range(3):
        assert client.get(url).content == b"%PDF-1.7 drawn again"


def test_too_many_downloads_from_one_address_get_429(client, recommendation, renders, settings):
    settings.ADVISOR_RATE_LIMIT_RATES = {**settings.ADVISOR_RATE_LIMIT_RATES, "pdf": "2/m"}
    url = f"/r/{recommendation.token}/pdf/"
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many downloads from your address" in response.content.decode()
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_when_this_process_is_busy_drawing_pdfs_it_answers_503(
    client, recommendation, renders, monkeypatch
):
    monkeypatch.setattr("advisor.views.PDF_RENDERS", threading.BoundedSemaphore(1))
    views.PDF_RENDERS.acquire()  # another request is drawing
    response = client.get(f"/r/{recommendation.token}/pdf/")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "busy drawing other PDFs" in response.content.decode()
    assert renders == []
    views.PDF_RENDERS.release()
    assert client.get(f"/r/{recommendation.token}/pdf/").status_code == 200

"""A recommendation brief as a PDF, drawn by WeasyPrint from this app's own static files.

Importing this module imports WeasyPrint, which loads Pango and raises OSError on a
machine without it; the view turns that into a 503 page.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticFilesOnly(URLFetcher):
    """Serves the app's static files from disk and refuses everything else: no request
    ever leaves the server while a PDF is drawn."""

    def __init__(self, origin: str):
        super().__init__(allowed_protocols=["http", "https"])
        self.origin = origin.rstrip("/")

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        static_prefix = urlsplit(settings.STATIC_URL).path
        if not static_prefix.startswith("/"):
            static_prefix = f"/{static_prefix}"
        if f"{parts.scheme}://{parts.netloc}" != self.origin or not parts.path.startswith(
            static_prefix
        ):
            raise ValueError(f"Refused to fetch {url}: only this app's static files are used.")
        path = static_file(unquote(parts.path[len(static_prefix) :]))
        if path is None:
            raise ValueError(f"No static file at {url}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def static_file(name: str) -> Path | None:
    """The file behind a static name, collected (production) or found in the apps."""
    if ".." in Path(name).parts:
        return None
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    found = finders.find(name)
    return Path(found) if found else None


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """Draw `html` as a PDF; relative links resolve against `base_url` (the app's origin)."""
    origin = f"{urlsplit(base_url).scheme}://{urlsplit(base_url).netloc}"
    # Tagged for screen readers (PDF/UA-1): the structure a boss's assistive software reads.
    return HTML(string=html, base_url=base_url, url_fetcher=StaticFilesOnly(origin)).write_pdf(
        pdf_variant="pdf/ua-1"
    )

"""A page's first load as Chromium receives it: every request and its transfer size.

    .venv/bin/python -m bench.page_weight http://127.0.0.1:8000/advisor/

A fresh browser context (empty cache) loads the page and waits until the network is
idle; each request counts its response headers plus its body as sent (compressed
when the server compressed it). Exits non-zero past MAX_KB or MAX_REQUESTS, the
questionnaire's budget. bench/bench.py runs it against its gunicorn.
"""

import sys
from dataclasses import dataclass

from playwright.sync_api import Request, sync_playwright

CHROMIUM = "/usr/bin/chromium"
MAX_KB = 60
MAX_REQUESTS = 6


@dataclass(frozen=True)
class Transfer:
    url: str
    status: int
    encoding: str
    size: int  # response headers and body, in bytes, as received


def first_load(url: str) -> list[Transfer]:
    transfers: list[Transfer] = []

    def finished(request: Request) -> None:
        response = request.response()
        sizes = request.sizes()
        transfers.append(
            Transfer(
                url=request.url,
                status=response.status if response else 0,
                encoding=(response.headers.get("content-encoding", "") if response else ""),
                size=sizes["responseHeadersSize"] + sizes["responseBodySize"],
            )
        )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_context().new_page()
        page.on("requestfinished", finished)
        page.goto(url, wait_until="networkidle")
        browser.close()
    return transfers


def report(url: str, transfers: list[Transfer]) -> int:
    """Print the load, one line per request; return its total size in bytes."""
    total = sum(transfer.size for transfer in transfers)
    print(f"First load of {url}: {len(transfers)} requests, {total / 1024:.1f} KB")
    for transfer in transfers:
        encoding = f" ({transfer.encoding})" if transfer.encoding else ""
        print(f"  {transfer.status} {transfer.url} {transfer.size / 1024:.1f} KB{encoding}")
    return total


if __name__ == "__main__":
    transfers = first_load(sys.argv[1])
    kilobytes = report(sys.argv[1], transfers) / 1024
    met = kilobytes <= MAX_KB and len(transfers) <= MAX_REQUESTS
    print(f"At most {MAX_KB} KB in {MAX_REQUESTS} requests: {'yes' if met else 'NO'}")
    sys.exit(0 if met else 1)

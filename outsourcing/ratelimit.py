"""Abuse limits: how often one client may send a public POST or fetch a PDF.

Counts live in the database (`RateCounter`), so every worker and process shares them
and no page traffic can evict them. Each limit is a fixed window: the first request
of a window adds a counter row, later ones increment it atomically in the database;
rows of past windows are deleted when a new counter starts. Past the limit the view
answers 429 with `Retry-After` (the seconds left in the window).

A client is an IPv4 address, or an IPv6 /64 (one host usually holds a whole /64);
an IPv4-mapped IPv6 address counts as its IPv4 address.

Settings: `ADVISOR_RATE_LIMITS` (off: no limits, for benchmarks), one rate per
scope such as `ADVISOR_SUBMIT_RATE = "20/m"`, and `ADVISOR_TRUSTED_PROXIES`, the
number of proxies in front of the app that append to `X-Forwarded-For` (0: use
`REMOTE_ADDR` only, so a client cannot choose its own address).
"""

import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import checks
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.shortcuts import render

from outsourcing.models import RateCounter

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "20/m" is twenty a minute; "100/10s" a hundred in ten seconds."""
        count, _, span = text.strip().partition("/")
        multiple, unit = span[:-1] or "1", span[-1:]
        if not count.isdigit() or not multiple.isdigit() or unit not in PERIODS:
            raise ValueError(f"A rate looks like 20/m or 100/10s, not {text!r}.")
        return cls(limit=int(count), period=int(multiple) * PERIODS[unit])


def client_address(request: HttpRequest) -> str | None:
    """The address a limit applies to, or None when there is no valid one. Behind N
    trusted proxies, the Nth address from the right of X-Forwarded-For is the one the
    nearest proxy saw; anything further left was written by the client and is not
    trusted. A malformed entry ("unknown", say) falls back to REMOTE_ADDR."""
    proxies = settings.ADVISOR_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("x-forwarded-for", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies and (address := valid_ip(forwarded[-proxies])):
            return address
    return valid_ip(request.META.get("REMOTE_ADDR", ""))


def check_trusted_proxies(**kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: behind HTTPS the app sits behind a load balancer, and with no
    proxy trusted every client has the balancer's address, so they share one limit and
    five bad admin logins lock out the real admin."""
    if settings.HTTPS and not settings.ADVISOR_TRUSTED_PROXIES:
        return [
            checks.Warning(
                "ADVISOR_TRUSTED_PROXIES is 0 with HTTPS on, so every client behind the load "
                "balancer counts as its one address for the rate limits and the admin "
                "lockout.",
                hint="Set ADVISOR_TRUSTED_PROXIES to the number of proxies in front of the "
                "app that append to X-Forwarded-For (1 for one load balancer).",
                id="outsourcing.W001",
            )
        ]
    return []


def valid_ip(text: str) -> str | None:
    """The address, with an IPv4-mapped IPv6 address written as the IPv4 one."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return str(getattr(address, "ipv4_mapped", None) or address)


def client_key(address: str | None) -> str:
    """What one client's requests are counted under: its IPv4 address or its IPv6 /64."""
    if address is None:
        return "unknown"
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def retry_after(request: HttpRequest, scope: str) -> int | None:
    """Count this request against the client's limit for `scope`; the seconds to wait
    when it is over the limit, None when it may go ahead."""
    if not settings.ADVISOR_RATE_LIMITS:
        return None
    rate = Rate.parse(settings.ADVISOR_RATE_LIMIT_RATES[scope])
    now = time.time()
    window = int(now // rate.period)
    ends = (window + 1) * rate.period
    count = counted(f"{scope}:{client_key(client_address(request))}:{window}", ends)
    if count <= rate.limit:
        return None
    return max(1, int(ends - now + 0.999))


def counted(key: str, expires: float) -> int:
    """Add one to the counter `key` and return its count. The increment happens in the
    database, and the read in the same transaction (the updated row stays locked until
    it ends), so concurrent requests from any process neither lose a count nor read
    another's."""
    with transaction.atomic():
        if RateCounter.objects.filter(key=key).update(count=F("count") + 1):
            return RateCounter.objects.filter(key=key).values_list("count", flat=True).get()
        # A new window: the rows of windows that have ended go first (an indexed delete).
        now = datetime.fromtimestamp(time.time(), tz=UTC)
        RateCounter.objects.filter(expires_at__lte=now).delete()
        try:
            with transaction.atomic():
                RateCounter.objects.create(
                    key=key, count=1, expires_at=datetime.fromtimestamp(expires, tz=UTC)
                )
            return 1
        except IntegrityError:  # another request created it first
            RateCounter.objects.filter(key=key).update(count=F("count") + 1)
            return RateCounter.objects.filter(key=key).values_list("count", flat=True).get()


def message(seconds: int) -> str:
    wait = f"{seconds} seconds" if seconds != 1 else "a second"
    return (
        f"Too many requests from your address in a short time. Nothing was lost: your "
        f"answers are still here. Please wait {wait} and try again."
    )


def download_message(seconds: int) -> str:
    wait = f"{seconds} seconds" if seconds != 1 else "a second"
    return (
        f"Too many downloads from your address in a short time. Please wait {wait} and try again."
    )


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out admin login: the 429 page, with Retry-After."""
    from axes.helpers import get_cool_off

    seconds = int(get_cool_off(request).total_seconds())
    response = render(request, "429.html", {"minutes": math.ceil(seconds / 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response

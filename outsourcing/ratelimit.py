"""Abuse limits: how often one client address may send a public POST.

Counts live in the cache, so with `REDIS_URL` set every worker and process shares
them. Each limit is a fixed window: the first request of a window adds a counter
that expires with it, later ones increment it atomically. Past the limit the view
answers 429 with `Retry-After` (the seconds left in the window) and keeps the
buyer's answers on screen.

Settings: `ADVISOR_RATE_LIMITS` (off: no limits, for benchmarks), one rate per
scope such as `ADVISOR_SUBMIT_RATE = "20/m"`, and `ADVISOR_TRUSTED_PROXIES`, the
number of proxies in front of the app that append to `X-Forwarded-For` (0: use
`REMOTE_ADDR` only, so a client cannot choose its own address).
"""

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render

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
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies and (address := valid_ip(forwarded[-proxies])):
            return address
    return valid_ip(request.META.get("REMOTE_ADDR", ""))


def valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def retry_after(request: HttpRequest, scope: str) -> int | None:
    """Count this request against the client's limit for `scope`; the seconds to wait
    when it is over the limit, None when it may go ahead."""
    if not settings.ADVISOR_RATE_LIMITS:
        return None
    rate = Rate.parse(settings.ADVISOR_RATE_LIMIT_RATES[scope])
    now = time.time()
    window = int(now // rate.period)
    key = f"ratelimit:{scope}:{client_address(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rate.period + 1)
        count = 1
    if count <= rate.limit:
        return None
    return max(1, int((window + 1) * rate.period - now + 0.999))


def message(seconds: int) -> str:
    wait = f"{seconds} seconds" if seconds != 1 else "a second"
    return (
        f"Too many requests from your address in a short time. Nothing was lost: your "
        f"answers are still here. Please wait {wait} and try again."
    )


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out admin login: the 429 page, with Retry-After."""
    from axes.helpers import get_cool_off

    seconds = int(get_cool_off(request).total_seconds())
    response = render(request, "429.html", {"minutes": math.ceil(seconds / 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response

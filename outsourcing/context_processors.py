"""What every page's template needs beyond its view's context."""

from django.conf import settings
from django.http import HttpRequest

# How long `{% cache ... using="rendered" %}` keeps a fragment in a process. Each
# fragment's key holds what it depends on; a deploy starts new processes.
FRAGMENT_SECONDS = 60 * 60


def fragment_seconds(request: HttpRequest) -> dict[str, int]:
    """Nothing is kept in DEBUG, so a template edit shows at once."""
    return {"fragment_seconds": 0 if settings.DEBUG else FRAGMENT_SECONDS}

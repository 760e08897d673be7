"""The app's URLs plus `/hello/`: the framework's own limit on this machine."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world.", content_type="text/plain")


urlpatterns = [
    path("hello/", hello),
    path("", include("outsourcing.urls")),
]

"""Refuses, with a 400 page, requests whose input the app cannot read safely."""

import codecs
import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

CHARSET_MESSAGE = (
    "The form arrived in a text encoding other than UTF-8, so it could not be read and "
    "nothing was saved. Please reload the page and send it again from your browser."
)
NUL_MESSAGE = (
    "The request holds a NUL character, which no field of this site accepts, so nothing "
    "was read. Please check the link or the form and try again."
)


class RefuseUnreadableInput:
    """A form body in another charset than UTF-8 makes Django raise BadRequest each time
    the body is read; the CSRF check and the 400 page both read it again, so the error
    escaped to gunicorn as a bare 500. NUL is refused by PostgreSQL in any text, so
    a filter or field holding one would fail in the database. Both are answered here,
    before anything reads the input, inside the middleware that adds the security
    headers. Only url-encoded bodies are read here: a multipart body read now could not
    be read raw later, and its fields go through forms, which refuse NUL themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.encoding and codecs.lookup(request.encoding).name != "utf-8":
            return refuse(request, CHARSET_MESSAGE, f"charset {request.encoding[:40]!r}")
        fields = request.GET.lists()
        if request.content_type == "application/x-www-form-urlencoded":
            fields = [*fields, *request.POST.lists()]
        for name, values in fields:
            if "\x00" in name or any("\x00" in value for value in values):
                return refuse(request, NUL_MESSAGE, "a NUL character")
        return self.get_response(request)


def refuse(request: HttpRequest, message: str, reason: str) -> HttpResponse:
    logger.warning("Bad request to %s: %s", request.path[:200], reason)
    return render(request, "400.html", {"message": message}, status=400)

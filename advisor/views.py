"""The questionnaire, its live preview, and the saved recommendation behind its link."""

import hashlib
import re
import uuid
from importlib import import_module

from django import forms
from django.conf import settings
from django.core.validators import slug_re
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    condition,
    require_http_methods,
    require_POST,
    require_safe,
)
from django_htmx.middleware import HtmxDetails

from advisor import catalog_inputs, services
from advisor.forms import QuestionnaireForm
from advisor.models import TOKEN_PATTERN, Recommendation
from advisor.presenters import RecommendationPage, preview_context
from outsourcing import ratelimit
from outsourcing.catalog_version import catalog_version
from outsourcing.models import Service

# Crispy-forms drawing the question fields is most of the questionnaire's render:
# cached, a render takes MEASURED.
QUESTION_FIELDS_SECONDS = 60 * 60
BRIEF_SECONDS = 60 * 60
RECOMMENDATION_BROWSER_SECONDS = 60 * 60


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def questionnaire_form(data=None, initial=None) -> QuestionnaireForm:
    """The form with its preference choices, all read here rather than while rendering."""
    return QuestionnaireForm(
        data, initial=initial, preference_choices=catalog_inputs.questionnaire_choices()
    )


def starting_answers(request: HttpRequest) -> tuple[dict, object]:
    """Initial values from `?service=<slug>` (its typical profile) or `?from=<token>`
    (a copy of a saved recommendation's answers and preferences)."""
    # Only well-formed values reach the database: PostgreSQL refuses some characters
    # (NUL) outright, and nothing else could match anyway.
    token = request.GET.get("from", "")
    if re.fullmatch(TOKEN_PATTERN, token):
        source = Recommendation.objects.filter(token=token).first()
        if source:
            return {**source.answers, **source.preferences}, source
    slug = request.GET.get("service", "")
    if slug_re.fullmatch(slug):
        service = Service.objects.active().filter(slug=slug).first()
        if service:
            return {factor.value: value for factor, value in service.profile.items()}, service
    return {}, None


def fragment_seconds(seconds: int) -> int:
    """How long a `{% cache %}` fragment keeps: nothing in DEBUG, so edits show at once."""
    return 0 if settings.DEBUG else seconds


@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HtmxHttpRequest) -> HttpResponse:
    wait = None
    status = 200
    starting_point = None
    fields_key = None
    if request.method == "POST":
        form = questionnaire_form(request.POST)
        if wait := ratelimit.retry_after(request, "submit"):
            # Refused before anything is saved; the bound form keeps every answer.
            form.is_valid()
            form.add_error(
                None, forms.ValidationError(ratelimit.message(wait), code="rate_limited")
            )
            status = 429
        elif form.is_valid():
            recommendation = services.recommendation_create(
                answers=form.answers(),
                preferences=form.preferences(),
                submission_id=form.cleaned_data["submission_id"],
            )
            return redirect(recommendation, permanent=False)
        else:
            status = 400
    else:
        initial, starting_point = starting_answers(request)
        form = questionnaire_form(initial={**initial, "submission_id": uuid.uuid4()})
        if not isinstance(starting_point, Recommendation):
            # The fields are the same for everyone starting from the same service.
            fields_key = f"{catalog_version()}:{getattr(starting_point, 'slug', '')}"
    response = render(
        request,
        "advisor/questionnaire.html",
        {
            "form": form,
            "starting_point": starting_point,
            "services": catalog_inputs.questionnaire_services(),
            "fields_key": fields_key,
            "fields_seconds": fragment_seconds(QUESTION_FIELDS_SECONDS),
            **preview_context(form),
        },
        status=status,
    )
    if wait:
        response["Retry-After"] = str(wait)
    if "from" in request.GET:
        capability_page(response)
    return response


def capability_page(response: HttpResponse) -> None:
    """A page whose URL holds a recommendation's token: kept out of shared caches, and
    its URL out of the Referer of everything it loads or links to."""
    response["Cache-Control"] = "private"
    response["Referrer-Policy"] = "no-referrer"


# The preview changes nothing (it saves no answer and spends nothing of the buyer's),
# so a forged cross-site post could learn or do nothing: it needs no CSRF token.
# The submit, which saves, does. The preview's own rate limit still applies.
@csrf_exempt
@require_POST
def preview(request: HtmxHttpRequest) -> HttpResponse:
    form = questionnaire_form(request.POST)
    form.is_valid()
    context = preview_context(form)
    status = 400 if context["preview_errors"] else 200
    if wait := ratelimit.retry_after(request, "preview"):
        context = {**context, "preview": None, "rate_limited": ratelimit.message(wait)}
        status = 429
    response = render(request, "advisor/questionnaire.html#result-panel", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    return response


def recommendation_etag(request: HttpRequest, token: str) -> str | None:
    """A saved recommendation never changes, so its ETag is its token's digest; only a
    link that exists has one, so only it can answer 304 Not Modified."""
    if settings.DEBUG or not Recommendation.objects.filter(token=token).exists():
        return None
    return hashlib.sha256(token.encode()).hexdigest()[:32]


@require_safe
@condition(etag_func=recommendation_etag)
def recommendation_detail(request: HtmxHttpRequest, token: str) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation, token=token)
    response = render(
        request,
        "advisor/recommendation_detail.html",
        {
            "page": RecommendationPage(recommendation, request),
            "brief_seconds": fragment_seconds(BRIEF_SECONDS),
        },
    )
    capability_page(response)
    response["X-Robots-Tag"] = "noindex"
    # The browser may reuse it for an hour, then revalidates with the ETag.
    response["Cache-Control"] = f"private, max-age={RECOMMENDATION_BROWSER_SECONDS}"
    return response


@require_safe
def recommendation_pdf(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The same brief as a PDF, drawn by WeasyPrint from local files only."""
    recommendation = get_object_or_404(Recommendation, token=token)
    page = RecommendationPage(recommendation, request)
    try:
        pdf = import_module("advisor.pdf")  # WeasyPrint loads Pango: OSError without it.
    except (ImportError, OSError):
        return render(request, "advisor/pdf_unavailable.html", {"page": page}, status=503)
    html = render_to_string("advisor/recommendation_pdf.html", {"page": page}, request)
    response = HttpResponse(
        pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = content_disposition_header(True, page.pdf_filename)
    response["X-Robots-Tag"] = "noindex"
    return response

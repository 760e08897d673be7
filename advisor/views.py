"""The questionnaire, its live preview, and the saved recommendation behind its link."""

import hashlib
import re
import threading
import uuid
from collections.abc import Mapping
from importlib import import_module

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.functional import SimpleLazyObject
from django.utils.http import content_disposition_header, quote_etag
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from advisor import catalog_inputs, services
from advisor.engine import Factor
from advisor.engine.work import (
    TASK_SERVICES_MAX,
    default_timezone,
    fill_unanswered,
    typical_answers,
)
from advisor.forms import QuestionnaireForm, tampering
from advisor.models import TOKEN_PATTERN, Recommendation, RecommendationPdf
from advisor.presenters import (
    Comparison,
    RecommendationPage,
    pdf_filename,
    preview_context,
    preview_key,
    saved_task,
    shortlist,
)
from advisor.rfp import DOCX_CONTENT_TYPE, rfp_content, rfp_docx
from outsourcing import ratelimit
from outsourcing.catalog_version import catalog_version
from outsourcing.models import Service

PREVIEW_SECONDS = 60 * 60
# Kept, a brief's page takes 0.8 ms instead of 5.2 ms (in-process).
BRIEF_SECONDS = 60 * 60
RECOMMENDATION_BROWSER_SECONDS = 60 * 60
# Drawing a PDF takes about half a second of CPU: a process draws one at a time, and
# a request that finds it busy is asked to come back rather than queue.
PDF_RENDERS = threading.BoundedSemaphore(1)
PDF_BUSY_RETRY_SECONDS = 2
PDF_BUSY_MESSAGE = (
    "The server is busy drawing other PDFs. Please try again in a few seconds; "
    "the brief itself is there at its link."
)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def questionnaire_form(data=None, initial=None, version=None) -> QuestionnaireForm:
    """The form with its preference choices and the hours a week costs assume, all read
    here rather than while rendering."""
    return QuestionnaireForm(
        data,
        initial=initial,
        preference_choices=catalog_inputs.questionnaire_choices(version),
        default_hours=catalog_inputs.cost_inputs(version).assumptions.hours_per_week,
    )


def starting_answers(request: HttpRequest) -> tuple[dict, object]:
    """Initial values from `?service=<slug>` (that service chosen, with its typical
    answers) or `?from=<token>` (a copy of a saved recommendation's work, answers and
    preferences)."""
    # Only well-formed values reach the database: PostgreSQL refuses some characters
    # (NUL) outright, and nothing else could match anyway.
    token = request.GET.get("from", "")
    if re.fullmatch(TOKEN_PATTERN, token):
        source = Recommendation.objects.filter(token=token).first()
        if source:
            return {**source.answers, **source.preferences, **saved_task(source)}, source
    slug = request.GET.get("service", "")
    if slug_re.fullmatch(slug):
        service = Service.objects.active().filter(slug=slug).first()
        if service:
            answers = {factor.value: value for factor, value in service.profile.items()}
            return {**answers, "task_services": [slug]}, service
    return {}, None


def with_typical_answers(data: QueryDict) -> tuple[dict, list[Factor]]:
    """What the buyer sent, with the chosen services' typical answers in the questions
    still unanswered (and the country's time zone if none was given). Nothing the buyer
    entered is replaced."""
    form_fields = QuestionnaireForm.base_fields
    sent = {
        name: data.getlist(name)
        if isinstance(field, forms.MultipleChoiceField)
        else data.get(name, "")
        for name, field in form_fields.items()
    }
    chosen = [slug for slug in sent["task_services"] if slug_re.fullmatch(slug)]
    profiles = catalog_inputs.typical_profiles(chosen[:TASK_SERVICES_MAX])
    values, filled = fill_unanswered(sent, typical_answers(profiles))
    if sent["buyer_country"] and not str(sent["buyer_timezone"]).strip():
        values["buyer_timezone"] = default_timezone(str(sent["buyer_country"])) or ""
    return values, filled


@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HtmxHttpRequest) -> HttpResponse:
    wait = None
    status = 200
    starting_point = None
    filled = None
    refusal = None
    values: Mapping  # what the live preview reads
    form: QuestionnaireForm | SimpleLazyObject
    # Read once: each read is a round trip to Redis.
    version = catalog_version()
    if request.method == "POST" and request.POST.get("action") == "fill":
        # Shown again, not redirected: what the buyer typed must survive the round trip.
        values, filled = with_typical_answers(request.POST)
        form = questionnaire_form(initial=values, version=version)
    elif request.method == "POST":
        values, refusal = request.POST, tampering(request.POST)
        form = questionnaire_form(request.POST, version=version)
        if wait := ratelimit.retry_after(request, "submit"):
            # Refused before anything is saved; the bound form keeps every answer.
            form.is_valid()
            form.add_error(
                None, forms.ValidationError(ratelimit.message(wait), code="rate_limited")
            )
            status = 429
        elif form.is_valid():
            recommendation = services.recommendation_create(
                task=form.task(),
                answers=form.answers(),
                preferences=form.preferences(),
                submission_id=form.cleaned_data["submission_id"],
                version=version,
            )
            return redirect(recommendation, permanent=False)
        else:
            status = 400
    else:
        values, starting_point = starting_answers(request)
        values = {**values, "submission_id": uuid.uuid4()}
        # Built only when the page's fields are not found in the cache.
        form = SimpleLazyObject(lambda: questionnaire_form(initial=values, version=version))
    template = "advisor/questionnaire.html"
    if request.htmx and filled is not None:
        template += "#questionnaire-body"
    response = render(
        request,
        template,
        {
            "form": form,
            "submission_id": values.get("submission_id", ""),
            "starting_point": starting_point,
            "filled": None if filled is None else [factor.label.lower() for factor in filled],
            # Called only when the service list is drawn.
            "services": catalog_inputs.questionnaire_services,
            # A blank form's fields are the same for everyone starting from the same
            # service, until the catalog changes.
            "fragment_key": f"{version}:{getattr(starting_point, 'slug', '')}",
            "form_is_blank": request.method != "POST"
            and not isinstance(starting_point, Recommendation),
            **preview_context(values, refusal, version),
        },
        status=status,
    )
    if wait:
        response["Retry-After"] = str(wait)
    if "from" in request.GET:
        # The URL holds a link's token: no shared cache keeps the page, and what it
        # loads is sent the origin alone. Not no-referrer: a form posted under it
        # carries `Origin: null`, which Django's CSRF check refuses.
        response["Cache-Control"] = "private"
        response["Referrer-Policy"] = "strict-origin"
    return response


# The preview changes nothing (it saves no answer and spends nothing of the buyer's),
# so a forged cross-site post could learn or do nothing: it needs no CSRF token.
# The submit, which saves, does. The preview's own rate limit still applies.
@csrf_exempt
@require_POST
def preview(request: HtmxHttpRequest) -> HttpResponse:
    wait = ratelimit.retry_after(request, "preview")
    refusal = tampering(request.POST)
    # A preview depends on nothing but its answers, whether the work is named and the
    # scoring settings: one of plain answers is kept in the process under the catalog
    # version, and answers in 1.3 ms instead of 2.6 ms (in-process, the rate count
    # included). A refused form, a bad answer or a spent limit is drawn each time.
    version = catalog_version()
    key = None if wait or refusal else preview_key(request.POST)
    if key:
        key = f"{key}:{version}"
        if (kept := caches["rendered"].get(key)) is not None:
            return HttpResponse(kept)
    context = preview_context(request.POST, refusal, version)
    status = 400 if context["preview_errors"] else 200
    if wait:
        context = {**context, "preview": None, "rate_limited": ratelimit.message(wait)}
        status = 429
    response = render(request, "advisor/questionnaire.html#preview-update", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    if key and status == 200:
        caches["rendered"].set(key, response.content, PREVIEW_SECONDS)
    return response


@require_safe
def recommendation_detail(request: HtmxHttpRequest, token: str) -> HttpResponse:
    # One indexed query per request, before anything is served: a deleted link answers
    # 404 at once, and only a link that exists has an ETag to answer 304 with.
    live, _ = Recommendation.objects.link_state(token)
    if not live:
        raise Http404("No such recommendation.")
    # A saved recommendation never changes, so its ETag is its token's digest.
    etag = None if settings.DEBUG else quote_etag(hashlib.sha256(token.encode()).hexdigest()[:32])
    if etag and (not_modified := get_conditional_response(request, etag=etag)):
        not_modified["ETag"] = etag
        return not_modified
    # Nor does its page, which is kept per host (it shows its own link).
    key = f"brief:{token}:{request.get_host()}"
    content = caches["rendered"].get(key)
    if content is None:
        page = RecommendationPage(get_object_or_404(Recommendation, token=token), request)
        # Kept encoded: 22 KB of text took 12 us to encode on every request.
        content = render_to_string(
            "advisor/recommendation_detail.html", {"page": page}, request
        ).encode()
        caches["rendered"].set(key, content, BRIEF_SECONDS)
    response = HttpResponse(content)
    if etag:
        response["ETag"] = etag
    response["X-Robots-Tag"] = "noindex"
    # The URL is the link: no Referer carries it to what the page loads.
    response["Referrer-Policy"] = "no-referrer"
    # The browser may reuse it for an hour, then revalidates with the ETag.
    response["Cache-Control"] = f"private, max-age={RECOMMENDATION_BROWSER_SECONDS}"
    return response


@require_safe
def recommendation_pdf(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The same brief as a PDF, drawn once by WeasyPrint from local files only, then
    served as stored: a brief never changes."""
    if wait := ratelimit.retry_after(request, "pdf"):
        return pdf_refused(request, 429, wait, ratelimit.download_message(wait))
    # Asked before anything is served, so a deleted link answers 404 at once.
    live, drawn_at = Recommendation.objects.link_state(token)
    if not live:
        raise Http404("No such recommendation.")
    content = None
    if drawn_at:
        # Its file name and bytes are kept in the process like the brief's page, under
        # when they were drawn, so a PDF drawn again is read afresh: reading its 30 KB
        # from PostgreSQL took 0.5 ms more than the kept copy.
        key = f"pdf:{token}:{drawn_at}"
        kept = caches["rendered"].get(key)
        if kept is None:
            stored = (
                RecommendationPdf.objects.filter(recommendation__token=token)
                .values_list(
                    "recommendation__task_name",
                    "recommendation__verdict",
                    "recommendation__created_at",
                    "content",
                )
                .first()
            )
            if stored is not None:
                task_name, verdict, created_at, content = stored
                kept = pdf_filename(task_name, verdict, created_at), bytes(content)
                caches["rendered"].set(key, kept, BRIEF_SECONDS)
        if kept is not None:
            filename, content = kept
    if content is None:
        page = RecommendationPage(get_object_or_404(Recommendation, token=token), request)
        try:
            pdf = import_module("advisor.pdf")  # WeasyPrint loads Pango: OSError without it.
        except (ImportError, OSError):
            return render(request, "advisor/pdf_unavailable.html", {"page": page}, status=503)
        if not PDF_RENDERS.acquire(blocking=False):
            return pdf_refused(request, 503, PDF_BUSY_RETRY_SECONDS, PDF_BUSY_MESSAGE)
        try:
            html = render_to_string("advisor/recommendation_pdf.html", {"page": page}, request)
            content = pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
        finally:
            PDF_RENDERS.release()
        RecommendationPdf.objects.get_or_create(
            recommendation=page.recommendation, defaults={"content": content}
        )
        recommendation = page.recommendation
        filename = pdf_filename(
            recommendation.task_name, recommendation.verdict, recommendation.created_at
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Robots-Tag"] = "noindex"
    # The link is a capability: no shared cache keeps it, no Referer carries it on.
    response["Cache-Control"] = "private"
    response["Referrer-Policy"] = "no-referrer"
    return response


def pdf_refused(request: HttpRequest, status: int, wait: int, message: str) -> HttpResponse:
    response = render(
        request, "advisor/pdf_refused.html", {"message": message, "status": status}, status=status
    )
    response["Retry-After"] = str(wait)
    return response


def link_headers(response: HttpResponse) -> HttpResponse:
    """What a page under a brief's link is sent with, as the brief itself: kept out of
    search engines and shared caches, its URL carried on to nothing it loads."""
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private"
    return response


def live_page(request: HttpRequest, token: str) -> RecommendationPage:
    """The brief behind a link; a deleted link answers 404 at once, as the brief does."""
    live, _ = Recommendation.objects.link_state(token)
    if not live:
        raise Http404("No such recommendation.")
    return RecommendationPage(get_object_or_404(Recommendation, token=token), request)


@require_safe
def recommendation_compare(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Two to four of the brief's vendors side by side. The choice lives in the URL
    alone; a choice that cannot be compared is shown again with why, as a 400."""
    page = live_page(request, token)
    picked = shortlist(page, request.GET)
    response = render(
        request,
        "advisor/compare.html",
        {
            "page": page,
            "shortlist": picked,
            "comparison": None if picked.error else Comparison(page, picked.vendors),
        },
        status=400 if picked.error else 200,
    )
    return link_headers(response)


@require_safe
def recommendation_rfp(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The request for proposal as a printable page, the Word file's twin."""
    page = live_page(request, token)
    content = rfp_content(page.recommendation, brief_url=page.share_url)
    return link_headers(render(request, "advisor/rfp.html", {"page": page, "rfp": content}))


@require_safe
def recommendation_rfp_docx(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The request for proposal as a Word file the buyer edits and sends."""
    live, _ = Recommendation.objects.link_state(token)
    if not live:
        raise Http404("No such recommendation.")
    # Writing it takes about 0.12 s of CPU; like the brief it never changes, and it is
    # kept per host (it links the brief).
    key = f"rfp-docx:{token}:{request.get_host()}"
    kept = caches["rendered"].get(key)
    if kept is None:
        page = RecommendationPage(get_object_or_404(Recommendation, token=token), request)
        content = rfp_content(page.recommendation, brief_url=page.share_url)
        kept = content.filename, rfp_docx(content)
        caches["rendered"].set(key, kept, BRIEF_SECONDS)
    filename, document = kept
    response = HttpResponse(document, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return link_headers(response)

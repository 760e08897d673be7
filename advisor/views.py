"""The questionnaire, its live preview, and the saved recommendation behind its link."""

import hashlib
import re
import threading
import uuid
from importlib import import_module

from django import forms
from django.conf import settings
from django.core.validators import slug_re
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    condition,
    require_http_methods,
    require_POST,
    require_safe,
)
from django_countries import countries
from django_htmx.middleware import HtmxDetails

from advisor import services
from advisor.engine import REQUIRED_FACTORS, Factor, Verdict
from advisor.engine.factors import AnswerError, parse_answers
from advisor.engine.questions import FACTOR_TEXTS
from advisor.engine.results import Result
from advisor.engine.scoring import score
from advisor.forms import QuestionnaireForm
from advisor.models import TOKEN_PATTERN, Recommendation, RecommendationPdf
from outsourcing import caching, ratelimit
from outsourcing.models import Service

PREVIEW_REASONS = 3
RECOMMENDATION_PAGE_SECONDS = 24 * 60 * 60  # in the shared cache
RECOMMENDATION_BROWSER_SECONDS = 60 * 60
# Drawing a PDF takes about half a second of CPU: a process draws one at a time, and
# a request that finds it busy is asked to come back rather than queue.
PDF_RENDERS = threading.BoundedSemaphore(1)
PDF_BUSY_RETRY_SECONDS = 2
PDF_BUSY_MESSAGE = (
    "The server is busy drawing other PDFs. Please try again in a few seconds; "
    "the brief itself is there at its link."
)
PREVIEWS_KEPT = 4096  # rendered previews (about 3 KB each) each process keeps
# The factor chart: one row per answered factor, bars from a centre line.
CHART_WIDTH = 640
CHART_LABEL_WIDTH = 190
CHART_VALUE_ROOM = 40
CHART_ROW_HEIGHT = 30
CHART_MIN_SCALE = 10
# On a phone: labels above the bars, drawn at the screen's own scale.
NARROW_CHART_WIDTH = 340
NARROW_CHART_ROW_HEIGHT = 44
# The score scale under the verdict: 0 to 100 drawn 300 units wide.
SCALE_WIDTH = 300
VERDICT_NAMES = {
    Verdict.BPO: "Business process outsourcing",
    Verdict.KPO: "Knowledge process outsourcing",
    Verdict.HYBRID: "A mix of BPO and KPO",
}


_previews = caching.ProcessMemo(PREVIEWS_KEPT)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def questionnaire_form(data=None, initial=None) -> QuestionnaireForm:
    """The form with its preference choices, all read here rather than while rendering."""
    return QuestionnaireForm(
        data, initial=initial, preference_choices=caching.questionnaire_choices()
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


@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HtmxHttpRequest):
    wait = None
    if request.method == "POST":
        # A new recommendation may lag a catalog edit by ADVISOR_CATALOG_LAG_SECONDS.
        caching.catalog_version(max_age=settings.ADVISOR_CATALOG_LAG_SECONDS)
        form = questionnaire_form(request.POST)
        if wait := ratelimit.retry_after(request, "submit"):
            # Refused before anything is saved; the bound form keeps every answer.
            form.is_valid()
            form.add_error(
                None, forms.ValidationError(ratelimit.message(wait), code="rate_limited")
            )
            status = 429
            starting_point = None
        elif form.is_valid():
            recommendation = services.recommendation_create(
                answers=form.answers(),
                preferences=form.preferences(),
                submission_id=form.cleaned_data["submission_id"],
            )
            return redirect(recommendation, permanent=False)
        else:
            status = 400
            starting_point = None
    elif "from" not in request.GET:
        return questionnaire_page(request)
    else:
        initial, starting_point = starting_answers(request)
        form = questionnaire_form(initial={**initial, "submission_id": uuid.uuid4()})
        status = 200
    response = render(
        request,
        "advisor/questionnaire.html",
        {
            "form": form,
            "starting_point": starting_point,
            "services": caching.questionnaire_services(),
            **preview_context(form),
        },
        status=status,
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


def questionnaire_page(request: HtmxHttpRequest):
    """The questionnaire as first shown, optionally pre-filled from `?service=`. It is
    the same for everyone until the catalog changes, so it is rendered once per
    catalog version and per service, with the nonce, the CSRF token and a fresh
    submission id filled in for each response (outsourcing/caching.py)."""
    slug = request.GET.get("service", "")
    if slug and slug not in {service.slug for service in caching.questionnaire_services()}:
        slug = ""

    def context(marks: dict[str, str]) -> dict:
        initial, starting_point = starting_answers(request)
        form = questionnaire_form(initial={**initial, "submission_id": marks["submission_id"]})
        return {
            "form": form,
            "starting_point": starting_point,
            "services": caching.questionnaire_services(),
            **preview_context(form),
        }

    return caching.cached_page(
        request,
        f"questionnaire:{slug}",
        "advisor/questionnaire.html",
        context,
        fill={"submission_id": lambda: str(uuid.uuid4())},
        catalog=True,
    )


# The preview changes nothing (it saves no answer and spends nothing of the buyer's),
# so a forged cross-site post could learn or do nothing: it needs no CSRF token.
# The submit, which saves, does. The preview's own rate limit still applies.
@csrf_exempt
@require_POST
def preview(request: HtmxHttpRequest):
    # The fragment depends only on the answers sent and the catalog (scoring settings,
    # preference choices), and holds no token or nonce: the same answers get the same
    # bytes until the catalog changes. htmx sends the answers alone, in page order
    # (hx-params leaves out the token and the submission id), so a repeat is found
    # from the raw body, without parsing it, in this process's memory. A preview may
    # lag a catalog edit by ADVISOR_CATALOG_LAG_SECONDS.
    wait = ratelimit.retry_after(request, "preview")
    version = caching.catalog_version(max_age=settings.ADVISOR_CATALOG_LAG_SECONDS)
    key = (version, hashlib.sha256(request.body).digest())
    if not wait and (hit := _previews.get(key)):
        content, status = hit
        return HttpResponse(content, status=status)
    form = questionnaire_form(request.POST)
    form.is_valid()
    context = preview_context(form)
    status = 400 if context["preview_errors"] else 200
    if wait:
        context = {**context, "preview": None, "rate_limited": ratelimit.message(wait)}
        status = 429
    response = render(request, "advisor/questionnaire.html#result-panel", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    else:
        _previews.set(key, (response.content, status))
    return response


def recommendation_page_key(token: str) -> str:
    return f"recommendation:{token}"


def recommendation_etag(request: HttpRequest, token: str) -> str:
    """A saved recommendation never changes, so its ETag needs only the token and the
    deployed code: a repeat visit gets 304 Not Modified without touching the database."""
    return hashlib.sha256(f"{token}:{caching.CODE_VERSION}".encode()).hexdigest()[:32]


@require_safe
@condition(etag_func=recommendation_etag)
def recommendation_detail(request: HtmxHttpRequest, token: str):
    def context(marks: dict[str, str]) -> dict:
        recommendation = get_object_or_404(Recommendation, token=token)
        page = RecommendationPage(recommendation, request)
        page.share_url = marks["share_url"]  # the host may differ between requests
        return {"page": page}

    # Rendered once per link; see outsourcing/caching.py. Deleting it drops the copy.
    response = caching.cached_page(
        request,
        recommendation_page_key(token),
        "advisor/recommendation_detail.html",
        context,
        fill={"share_url": lambda: escape(request.build_absolute_uri(request.path))},
        timeout=RECOMMENDATION_PAGE_SECONDS,
    )
    response["X-Robots-Tag"] = "noindex"
    # Private: the link is a capability, and the response carries a CSRF cookie and a
    # nonce. The browser may reuse it for an hour, then revalidates with the ETag.
    response["Cache-Control"] = f"private, max-age={RECOMMENDATION_BROWSER_SECONDS}"
    return response


@require_safe
def recommendation_pdf(request: HtmxHttpRequest, token: str):
    """The same brief as a PDF, drawn once by WeasyPrint from local files only, then
    served as stored: a brief never changes."""
    if wait := ratelimit.retry_after(request, "pdf"):
        return pdf_refused(request, 429, wait, ratelimit.download_message(wait))
    recommendation = get_object_or_404(Recommendation.objects.select_related("pdf"), token=token)
    page = RecommendationPage(recommendation, request)
    try:
        content = recommendation.pdf.content
    except RecommendationPdf.DoesNotExist:
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
            recommendation=recommendation, defaults={"content": content}
        )
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, page.pdf_filename)
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


def preview_context(form: QuestionnaireForm) -> dict:
    """What the live preview shows for the answers so far: progress, and a verdict once
    the required questions are answered. Bad values are listed, not scored."""
    if form.is_bound:
        raw = {factor.value: form.data.get(factor.value, "") for factor in Factor}
        errors = [
            error.message % (error.params or {})
            for field, field_errors in form.errors.as_data().items()
            for error in field_errors
            if error.code not in ("required", "rate_limited")
            and (field in raw or field == "__all__")
        ]
    else:
        raw = {factor.value: form.initial.get(factor.value, "") for factor in Factor}
        errors = []
    answered = [factor for factor in Factor if str(raw[factor.value] or "").strip()]
    missing = [factor for factor in REQUIRED_FACTORS if factor not in answered]
    result = None
    if not errors and not missing:
        try:
            result = score(parse_answers(raw), caching.scoring_parameters())
        except AnswerError as error:
            errors = error.messages
    return {
        "preview": result,
        "preview_reasons": result.top_reasons(PREVIEW_REASONS) if result else (),
        "preview_errors": errors,
        "answered_count": len(answered),
        "question_count": len(Factor),
        "missing_required": [factor.label.lower() for factor in missing],
    }


def chart_bar(contribution: float, centre: float, half: float, largest: float) -> dict:
    """One bar from the centre line: left for a pull toward BPO, right toward KPO, as
    long as its share of the largest pull, with its value just past its end."""
    length = half * abs(contribution) / largest
    toward_bpo = contribution < 0
    return {
        "x": centre - length if toward_bpo else centre,
        "width": max(length, 1),
        "value_x": centre - length - 4 if toward_bpo else centre + length + 4,
        "anchor": "end" if toward_bpo else "start",
    }


class RecommendationPage:
    """The saved snapshot, shaped for its page. Everything here comes from the
    snapshot, so the page looks the same whatever is edited later."""

    def __init__(self, recommendation: Recommendation, request: HttpRequest):
        self.recommendation = recommendation
        self.result = Result.from_dict(recommendation.result)
        self.share_url = request.build_absolute_uri(recommendation.get_absolute_url())
        self.copy_url = f"{reverse('advisor:questionnaire')}?from={recommendation.token}"
        self.pdf_url = reverse("advisor:recommendation_pdf", args=[recommendation.token])
        self.preferences = self._preferences()

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict

    @property
    def title(self) -> str:
        return f"{self.result.verdict.label} outsourcing recommended"

    @property
    def verdict_name(self) -> str:
        return VERDICT_NAMES[self.result.verdict]

    @property
    def pdf_filename(self) -> str:
        created = self.recommendation.created_at.date().isoformat()
        return f"outsourcing-recommendation-{self.result.verdict}-{created}.pdf"

    @property
    def score_scale(self) -> dict:
        """The score on a 300-unit line, with the BPO, hybrid and KPO bands in force."""
        params = self.recommendation.parameters
        bpo_max, kpo_min = float(params["bpo_max"]), float(params["kpo_min"])
        unit = SCALE_WIDTH / 100
        return {
            "score": self.result.kpo_score,
            "bpo_max": bpo_max,
            "kpo_min": kpo_min,
            "bpo_width": f"{bpo_max * unit:.1f}",
            "hybrid_width": f"{(kpo_min - bpo_max) * unit:.1f}",
            "kpo_x": f"{kpo_min * unit:.1f}",
            "kpo_width": f"{(100 - kpo_min) * unit:.1f}",
            "marker_x": f"{min(max(self.result.kpo_score * unit, 2), SCALE_WIDTH - 2):.1f}",
        }

    @property
    def chart(self) -> dict:
        """Geometry for the inline SVG: bars left of centre pull toward BPO, right toward
        KPO, each as long as its contribution to the score."""
        factors = self.result.factors
        half = (CHART_WIDTH - CHART_LABEL_WIDTH) / 2 - CHART_VALUE_ROOM
        centre = CHART_LABEL_WIDTH + CHART_VALUE_ROOM + half
        # A fixed floor keeps small nudges looking small when nothing pulls hard.
        largest = max([CHART_MIN_SCALE, *(abs(item.contribution) for item in factors)])
        rows = []
        for index, item in enumerate(factors):
            rows.append(
                {
                    "item": item,
                    "y": index * CHART_ROW_HEIGHT,
                    "text_y": index * CHART_ROW_HEIGHT + 19,
                    "label_y": index * CHART_ROW_HEIGHT + 19,
                    "bar_y": index * CHART_ROW_HEIGHT + 6,
                    **chart_bar(item.contribution, centre, half, largest),
                }
            )
        return {
            "rows": rows,
            "width": CHART_WIDTH,
            "height": len(factors) * CHART_ROW_HEIGHT + 24,
            "centre": centre,
            "axis_y": len(factors) * CHART_ROW_HEIGHT + 16,
            "label_width": CHART_LABEL_WIDTH,
        }

    @property
    def narrow_chart(self) -> dict:
        """The same chart for a phone: each label on its own line above its bar."""
        factors = self.result.factors
        centre = NARROW_CHART_WIDTH / 2
        half = centre - CHART_VALUE_ROOM
        largest = max([CHART_MIN_SCALE, *(abs(item.contribution) for item in factors)])
        rows = []
        for index, item in enumerate(factors):
            top = index * NARROW_CHART_ROW_HEIGHT
            rows.append(
                {
                    "item": item,
                    "label_y": top + 14,
                    "bar_y": top + 20,
                    "text_y": top + 33,
                    **chart_bar(item.contribution, centre, half, largest),
                }
            )
        height = len(factors) * NARROW_CHART_ROW_HEIGHT
        return {
            "rows": rows,
            "width": NARROW_CHART_WIDTH,
            "height": height + 18,
            "centre": centre,
            "axis_y": height,
            "label_width": 0,
        }

    @property
    def split(self) -> dict | None:
        split = self.result.split
        if split is None:
            return None
        return {
            "bpo": [factor.label for factor in split.bpo],
            "kpo": [factor.label for factor in split.kpo],
            "text": split.text,
        }

    @property
    def services(self) -> list[dict]:
        return [
            {**match, "url": reverse("outsourcing:service_detail", args=[match["slug"]])}
            for match in self.recommendation.services
        ]

    @property
    def vendors(self) -> list[dict]:
        return [
            {**match, "url": reverse("outsourcing:vendor_detail", args=[match["slug"]])}
            for match in self.recommendation.vendors
        ]

    @property
    def answers(self) -> list[dict]:
        """Every question with the answer given, or a note that it was skipped."""
        given = {item.factor: item for item in self.result.factors}
        return [
            {
                "label": factor.label,
                "question": FACTOR_TEXTS[factor].question,
                "answer": given[factor].answer if factor in given else None,
                "answer_label": given[factor].answer_label if factor in given else None,
            }
            for factor in Factor
        ]

    def _preferences(self) -> list[tuple[str, str]]:
        prefs = self.recommendation.preferences
        names = caching.code_names()
        languages, certifications = names["languages"], names["certifications"]
        rows = [
            (
                "Delivered from",
                ", ".join(countries.name(code) or code for code in prefs.get("countries", [])),
            ),
            (
                "Languages",
                ", ".join(languages.get(code, code) for code in prefs.get("languages", [])),
            ),
            (
                "Certifications",
                ", ".join(
                    certifications.get(code, code) for code in prefs.get("certifications", [])
                ),
            ),
            ("Budget", f"up to ${prefs['budget']}/h" if prefs.get("budget") else ""),
            ("Coverage", "24/7" if prefs.get("needs_24_7") else ""),
        ]
        return [(label, value) for label, value in rows if value]

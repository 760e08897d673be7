"""The questionnaire, its live preview, and the saved recommendation behind its link."""

import uuid

from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_countries import countries
from django_htmx.middleware import HtmxDetails

from advisor import services
from advisor.engine import REQUIRED_FACTORS, Factor, Verdict
from advisor.engine.factors import AnswerError, parse_answers
from advisor.engine.questions import FACTOR_TEXTS
from advisor.engine.results import Result
from advisor.engine.scoring import score
from advisor.forms import QuestionnaireForm
from advisor.models import Recommendation, ScoringSettings
from outsourcing.models import Certification, Language, Service, Vendor

PREVIEW_REASONS = 3
# The factor chart: one row per answered factor, bars from a centre line.
CHART_WIDTH = 640
CHART_LABEL_WIDTH = 190
CHART_VALUE_ROOM = 40
CHART_ROW_HEIGHT = 30
CHART_MIN_SCALE = 10


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def questionnaire_form(data=None, initial=None) -> QuestionnaireForm:
    """The form with its preference choices, all read here rather than while rendering."""
    return QuestionnaireForm(
        data,
        initial=initial,
        countries_used=Vendor.objects.active().delivery_countries_in_use(),
        languages=list(Language.objects.all()),
        certifications=list(Certification.objects.all()),
    )


def starting_answers(request: HttpRequest) -> tuple[dict, object]:
    """Initial values from `?service=<slug>` (its typical profile) or `?from=<token>`
    (a copy of a saved recommendation's answers and preferences)."""
    if token := request.GET.get("from"):
        source = Recommendation.objects.filter(token=token[:40]).first()
        if source:
            return {**source.answers, **source.preferences}, source
    if slug := request.GET.get("service"):
        service = Service.objects.active().filter(slug=slug[:120]).first()
        if service:
            return {factor.value: value for factor, value in service.profile.items()}, service
    return {}, None


@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HtmxHttpRequest):
    if request.method == "POST":
        form = questionnaire_form(request.POST)
        if form.is_valid():
            recommendation = services.recommendation_create(
                answers=form.answers(),
                preferences=form.preferences(),
                submission_id=form.cleaned_data["submission_id"],
            )
            return redirect(recommendation, permanent=False)
        status = 400
        starting_point = None
    else:
        initial, starting_point = starting_answers(request)
        form = questionnaire_form(initial={**initial, "submission_id": uuid.uuid4()})
        status = 200
    return render(
        request,
        "advisor/questionnaire.html",
        {
            "form": form,
            "starting_point": starting_point,
            "services": list(
                Service.objects.active()
                .only("slug", "name", "category__name")
                .select_related("category")
                .order_by("category__position", "name")
            ),
            **preview_context(form),
        },
        status=status,
    )


@require_POST
def preview(request: HtmxHttpRequest):
    form = questionnaire_form(request.POST)
    form.is_valid()
    context = preview_context(form)
    return render(
        request,
        "advisor/questionnaire.html#result-panel",
        context,
        status=400 if context["preview_errors"] else 200,
    )


@require_safe
def recommendation_detail(request: HtmxHttpRequest, token: str):
    recommendation = get_object_or_404(Recommendation, token=token)
    response = render(
        request,
        "advisor/recommendation_detail.html",
        {"page": RecommendationPage(recommendation, request)},
    )
    response["X-Robots-Tag"] = "noindex"
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
            if error.code != "required" and (field in raw or field == "__all__")
        ]
    else:
        raw = {factor.value: form.initial.get(factor.value, "") for factor in Factor}
        errors = []
    answered = [factor for factor in Factor if str(raw[factor.value] or "").strip()]
    missing = [factor for factor in REQUIRED_FACTORS if factor not in answered]
    result = None
    if not errors and not missing:
        try:
            result = score(parse_answers(raw), ScoringSettings.current_parameters())
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


class RecommendationPage:
    """The saved snapshot, shaped for its page. Everything here comes from the
    snapshot, so the page looks the same whatever is edited later."""

    def __init__(self, recommendation: Recommendation, request: HttpRequest):
        self.recommendation = recommendation
        self.result = Result.from_dict(recommendation.result)
        self.share_url = request.build_absolute_uri(recommendation.get_absolute_url())
        self.copy_url = f"{reverse('advisor:questionnaire')}?from={recommendation.token}"
        self.preferences = self._preferences()

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict

    @property
    def title(self) -> str:
        return f"{self.result.verdict.label} outsourcing recommended"

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
            length = half * abs(item.contribution) / largest
            rows.append(
                {
                    "item": item,
                    "y": index * CHART_ROW_HEIGHT,
                    "text_y": index * CHART_ROW_HEIGHT + 19,
                    "x": centre - length if item.contribution < 0 else centre,
                    "width": max(length, 1),
                    "value_x": centre - length - 4
                    if item.contribution < 0
                    else centre + length + 4,
                    "anchor": "end" if item.contribution < 0 else "start",
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
        languages = dict(Language.objects.values_list("code", "name"))
        certifications = dict(Certification.objects.values_list("code", "name"))
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

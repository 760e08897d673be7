"""What the advisor's pages show, shaped from the engine's results: the live preview
and a saved brief."""

from django.http import HttpRequest
from django.urls import reverse

from advisor import catalog_inputs, charts
from advisor.engine import REQUIRED_FACTORS, Factor, ProcessType, Verdict
from advisor.engine.factors import AnswerError, parse_answers
from advisor.engine.questions import FACTOR_TEXTS
from advisor.engine.results import Result
from advisor.engine.scoring import score
from advisor.forms import QuestionnaireForm
from advisor.models import Recommendation

PREVIEW_REASONS = 3


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
            result = score(parse_answers(raw), catalog_inputs.scoring_parameters())
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
    """The saved snapshot, shaped for its page and its PDF. Everything here comes from
    the snapshot, so the brief looks the same whatever is edited later."""

    def __init__(self, recommendation: Recommendation, request: HttpRequest):
        self.recommendation = recommendation
        self.result = Result.from_dict(recommendation.result)
        self.share_url = request.build_absolute_uri(recommendation.get_absolute_url())
        self.copy_url = f"{reverse('advisor:questionnaire')}?from={recommendation.token}"
        self.pdf_url = reverse("advisor:recommendation_pdf", args=[recommendation.token])

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict

    @property
    def title(self) -> str:
        return f"{self.result.verdict.label} outsourcing recommended"

    @property
    def pdf_filename(self) -> str:
        created = self.recommendation.created_at.date().isoformat()
        return f"outsourcing-recommendation-{self.result.verdict}-{created}.pdf"

    @property
    def score_scale(self) -> dict:
        params = self.recommendation.parameters
        return charts.score_scale(
            self.result.kpo_score, float(params["bpo_max"]), float(params["kpo_min"])
        )

    @property
    def chart(self) -> dict:
        return charts.factor_chart(self.result.factors, charts.WIDE)

    @property
    def narrow_chart(self) -> dict:
        return charts.factor_chart(self.result.factors, charts.NARROW)

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
            {
                **match,
                "process_type": ProcessType(match["process_type"]),
                "url": reverse("outsourcing:service_detail", args=[match["slug"]]),
            }
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

    @property
    def preferences(self) -> list[tuple[str, str]]:
        """The preferences with the names saved beside them."""
        prefs, names = self.recommendation.preferences, self.recommendation.preference_names

        def listed(kind: str) -> str:
            saved = names.get(kind, {})
            return ", ".join(saved.get(code, code) for code in prefs.get(kind, []))

        rows = [
            ("Delivered from", listed("countries")),
            ("Languages", listed("languages")),
            ("Certifications", listed("certifications")),
            ("Budget", f"up to ${prefs['budget']}/h" if prefs.get("budget") else ""),
            ("Coverage", "24/7" if prefs.get("needs_24_7") else ""),
        ]
        return [(label, value) for label, value in rows if value]

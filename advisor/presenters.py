"""What the advisor's pages show, shaped from the engine's results: the live preview
and a saved brief."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any
from urllib.parse import quote, urljoin

from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.text import slugify

from advisor import catalog_inputs, charts
from advisor.engine import REQUIRED_FACTORS, Factor, ProcessType, Verdict
from advisor.engine.factors import ANSWER_MAX, ANSWER_MIN, AnswerError, parse_answers
from advisor.engine.guidance import RISK_TITLES
from advisor.engine.questions import FACTOR_TEXTS
from advisor.engine.results import Result
from advisor.engine.scoring import score
from advisor.engine.work import TASK_NAME_MAX, TASK_NAME_MIN, DataKind, Requirement
from advisor.models import Recommendation

PREVIEW_REASONS = 3
WORKING_DAY_HOURS = 8


def preview_context(
    values: Mapping[str, Any],
    refusal: ValidationError | None = None,
    version: str | None = None,
) -> dict:
    """What the live preview shows for the answers so far (what the buyer sent, or the
    questionnaire's initial values): progress, and a verdict once the required
    questions are answered. Bad values, and a `refusal` of the whole form (see
    `advisor.forms.tampering`), are listed instead of a verdict. `version` is the
    catalog version, if the caller has read it."""
    raw = {factor.value: values.get(factor.value, "") for factor in Factor}
    answered = [factor for factor in Factor if str(raw[factor.value] or "").strip()]
    missing = [factor for factor in REQUIRED_FACTORS if factor not in answered]
    # A message quoting the buyer's input may hold a bare %: format only with params.
    errors = []
    if refusal:
        errors.append(str(refusal.message % refusal.params if refusal.params else refusal.message))
    result = None
    if not errors:
        try:
            result = score(parse_answers(raw), catalog_inputs.scoring_parameters(version))
        except AnswerError as error:
            unanswered = {factor.value for factor in missing}
            errors = [text for key, text in error.errors.items() if key not in unanswered]
    return {
        "preview": result,
        "preview_reasons": result.top_reasons(PREVIEW_REASONS) if result else (),
        "preview_errors": errors,
        "answered_count": len(answered),
        "question_count": len(Factor),
        "missing_required": [factor.label.lower() for factor in missing],
        "work_named": work_named(values),
    }


def work_named(values: Mapping[str, Any]) -> bool:
    return TASK_NAME_MIN <= len(str(values.get("task_name") or "").strip()) <= TASK_NAME_MAX


# Every answer a preview can draw without listing an error.
PLAIN_ANSWERS = frozenset(["", *(str(answer) for answer in range(ANSWER_MIN, ANSWER_MAX + 1))])


def preview_key(values: Mapping[str, Any]) -> str | None:
    """All that a preview of these values depends on but the scoring settings, as a
    cache key; None unless every answer is blank or plain 1 to 5, so no input makes a
    key the answers themselves do not allow."""
    answers = [str(values.get(factor.value, "")).strip() for factor in Factor]
    if not PLAIN_ANSWERS.issuperset(answers):
        return None
    return f"preview:{','.join(answers)}:{int(work_named(values))}"


def saved_task(recommendation: Recommendation) -> dict:
    """A saved recommendation's work as the questionnaire's initial values. Rows saved
    before the work was asked for have none."""
    return {
        "task_name": recommendation.task_name,
        "task_description": recommendation.task_description,
        "task_services": [item["slug"] for item in recommendation.task_services],
    }


def pdf_filename(task_name: str, verdict: str, created_at: datetime) -> str:
    """The PDF's file name: the work, the verdict and the day the brief was saved."""
    work = slugify(task_name)[:60].strip("-") or "outsourcing-recommendation"
    return f"{work}-{verdict}-{created_at.date().isoformat()}.pdf"


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
    def task(self) -> dict:
        """The work the brief is about, as saved; empty for briefs saved before the work
        was asked for."""
        recommendation = self.recommendation
        return {
            "name": recommendation.task_name,
            "description": recommendation.task_description,
            "services": [
                {**item, "url": reverse("outsourcing:service_detail", args=[item["slug"]])}
                for item in recommendation.task_services
            ],
        }

    @property
    def risks(self) -> list[dict]:
        """What can go wrong, high first; none for briefs saved before it was given."""
        return self.recommendation.guidance.get("risks", [])

    @property
    def kpis(self) -> list[dict]:
        """What to measure in the contract; none for briefs saved before it was given."""
        return self.recommendation.guidance.get("kpis", [])

    @property
    def checklist(self) -> list[str]:
        return self.recommendation.guidance.get("checklist", [])

    @property
    def title(self) -> str:
        if name := self.task["name"]:
            return f"{name}: {self.result.verdict.label} outsourcing recommended"
        return f"{self.result.verdict.label} outsourcing recommended"

    @property
    def pdf_filename(self) -> str:
        recommendation = self.recommendation
        return pdf_filename(recommendation.task_name, self.verdict, recommendation.created_at)

    @property
    def confidence_text(self) -> str:
        """The confidence sentence without the level, which the page names once itself
        (older snapshots begin with "Medium confidence: ")."""
        text = self.result.confidence.text
        prefix = f"{self.result.confidence.level.label} confidence: "
        if text.startswith(prefix):
            text = text.removeprefix(prefix)
            return text[0].upper() + text[1:]
        return text

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
    def chosen_services(self) -> list[dict]:
        return [service for service in self.services if service.get("chosen")]

    @property
    def related_services(self) -> list[dict]:
        """Services close to the answers that the buyer did not choose (in older
        snapshots: every matched service)."""
        return [service for service in self.services if not service.get("chosen")]

    @property
    def vendors(self) -> list[dict]:
        currency = self.recommendation.preferences.get("currency") or "USD"
        return [vendor_entry(match, currency) for match in self.recommendation.vendors]

    @property
    def close_vendors(self) -> list[dict]:
        """Vendors that offer a chosen service but miss something required."""
        currency = self.recommendation.preferences.get("currency") or "USD"
        return [vendor_entry(match, currency) for match in self.recommendation.close_vendors]

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
    def preferences(self) -> list[dict]:
        """The preferences with the names saved beside them, each marked required or
        preferred; certifications with their meaning."""
        prefs, names = self.recommendation.preferences, self.recommendation.preference_names
        must = set(prefs.get("must", ()))

        def listed(kind: str) -> list[str]:
            saved = names.get(kind, {})
            return [saved.get(code, code) for code in prefs.get(kind, [])]

        meanings = names.get("certification_meanings", {})
        rows = [
            (Requirement.COUNTRIES, "Delivered from", ", ".join(listed("countries")), []),
            (Requirement.LANGUAGES, "Languages", " and ".join(listed("languages")), []),
            (
                Requirement.CERTIFICATIONS,
                "Certifications",
                ", ".join(listed("certifications")),
                [
                    (name, meanings.get(code, ""))
                    for code, name in zip(
                        prefs.get("certifications", []), listed("certifications"), strict=True
                    )
                ],
            ),
            (
                Requirement.BUDGET,
                "Highest hourly rate",
                f"up to ${prefs['budget']}/h" if prefs.get("budget") else "",
                [],
            ),
            (Requirement.NEEDS_24_7, "Coverage", "24/7" if prefs.get("needs_24_7") else "", []),
        ]
        return [
            {
                "label": label,
                "value": value,
                "required": requirement.value in must,
                "details": [(name, meaning) for name, meaning in details if meaning],
            }
            for requirement, label, value, details in rows
            if value
        ]

    @property
    def buyer_location(self) -> str:
        prefs = self.recommendation.preferences
        return prefs.get("buyer_timezone", "")

    @property
    def cost(self) -> dict | None:
        """The cost estimate with its amounts written out; None when the catalog had no
        rates for the work, or for briefs saved before costs were given."""
        cost = self.recommendation.guidance.get("cost")
        if not cost:
            return None
        currency = cost["currency"]

        def place(option: dict) -> dict:
            return {
                **option,
                "hourly": money_range(option["hourly_low"], option["hourly_high"], currency),
                "billed": money_range(option["billed_low"], option["billed_high"], currency),
                "monthly": money_range(option["monthly_low"], option["monthly_high"], currency),
                "first_year": money_range(
                    option["first_year_low"], option["first_year_high"], currency
                ),
                "savings": savings_text(
                    option.get("savings_percent_low"), option.get("savings_percent_high")
                ),
                "year": option["as_of"][:4],
            }

        options = [place(option) for option in cost["options"]]
        onshore = place(cost["onshore"]) if cost["onshore"] else None
        sources = {
            (entry["source"], entry["source_url"], entry["year"], entry["stale"])
            for entry in [*options, *([onshore] if onshore else [])]
        }
        monthly = ""
        if options:
            monthly = money_range(
                min(option["monthly_low"] for option in options),
                max(option["monthly_high"] for option in options),
                currency,
            )
        return {
            **cost,
            "options": options,
            "onshore": onshore,
            "monthly": monthly,
            "hidden_costs": [
                {
                    **line,
                    "monthly": money_range(line["monthly_low"], line["monthly_high"], currency),
                }
                for line in cost["hidden_costs"]
            ],
            "savings": savings_text(cost["savings_percent_low"], cost["savings_percent_high"]),
            "sources": [
                {"source": source, "url": url, "year": year, "stale": stale}
                for source, url, year, stale in sorted(sources)
            ],
        }

    @property
    def has_costs(self) -> bool:
        """Whether the brief was saved with costs and compliance (from engine 1.2.0)."""
        return "cost" in self.recommendation.guidance

    @property
    def any_vendor_contact(self) -> bool:
        return any(
            vendor.get("contact_email") or vendor.get("contact_url")
            for vendor in self.recommendation.vendors
        )

    @property
    def certifications_required(self) -> list[dict]:
        return self.recommendation.guidance.get("certifications_required", [])

    @property
    def data_touched(self) -> list[str]:
        return [
            DataKind(kind).label
            for kind in self.recommendation.guidance.get("data_sensitivity", [])
        ]

    @property
    def certifications_filter(self) -> bool:
        """Whether the required certifications filtered the vendors."""
        return self.recommendation.preferences.get("require_certifications", True)

    @property
    def summary(self) -> dict:
        """The brief in a minute: the work, the verdict, the cost, who, what it needs,
        what can go wrong and what to do next."""
        required = [c["name"] for c in self.certifications_required if c.get("must")]
        steps = [
            "Pick two to four of the vendors below and compare them side by side.",
            "Send them the request for proposal"
            + (f", asking for evidence of {' and '.join(required)}." if required else "."),
            "Agree a pilot of a few weeks, measured against the targets under "
            "“What to measure”, before the full contract.",
        ]
        cost = self.cost
        return {
            "cost": cost,
            "vendors": [vendor["name"] for vendor in self.recommendation.vendors[:3]],
            "certifications": required,
            "risks": [RISK_TITLES.get(risk["key"], risk["key"]) for risk in self.risks[:3]],
            "steps": steps,
        }

    @property
    def paper(self) -> str:
        """US Letter where it is the usual paper, A4 elsewhere."""
        return (
            "letter"
            if self.recommendation.preferences.get("buyer_country") in LETTER_COUNTRIES
            else "A4"
        )

    @property
    def rfp_url(self) -> str:
        return reverse("advisor:recommendation_rfp", args=[self.recommendation.token])

    @property
    def rfp_docx_url(self) -> str:
        return reverse("advisor:recommendation_rfp_docx", args=[self.recommendation.token])

    @property
    def proposal_query(self) -> str:
        """The subject and body of an "Ask for a proposal" email, for a mailto: link."""
        return proposal_query(self)


# Countries where offices print on US Letter.
LETTER_COUNTRIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PA", "DO", "PR"}
)


def savings_text(low: int | None, high: int | None) -> str:
    """A saving as a range, and a loss said as one."""
    if low is None or high is None:
        return ""
    if high <= 0:
        return f"costs {-high}% to {-low}% more" if high != low else f"costs {-high}% more"
    if low < 0:
        return f"from {-low}% more to {high}% less"
    return f"{low}% to {high}% less" if low != high else f"{low}% less"


def vendor_entry(match: dict, currency: str = "USD") -> dict:
    """A vendor as the brief shows it; keys missing from older snapshots read as empty."""
    sample = bool(match.get("sample"))
    low, high = match.get("hourly_rate_min"), match.get("hourly_rate_max")
    monthly_low, monthly_high = match.get("monthly_low"), match.get("monthly_high")
    return {
        **match,
        "url": reverse("outsourcing:vendor_detail", args=[match["slug"]]),
        "sample": sample,
        "verified": bool(match.get("verified")) and not sample,
        "countries": ", ".join(match.get("delivery_country_names") or ()),
        "offers_names": match.get("offers_names") or [],
        "misses": match.get("misses") or [],
        "rate": f"${low}–{high} per hour" if low and high else "",
        "timezone": match.get("timezone", ""),
        "overlap": overlap_text(match.get("overlap_hours")),
        "monthly": money_range(monthly_low, monthly_high, currency)
        if monthly_low is not None and monthly_high is not None
        else "",
        "reviewed_on": date.fromisoformat(reviewed)
        if (reviewed := match.get("reviewed_on"))
        else None,
    }


def overlap_text(hours: int | None) -> str:
    """The vendor's working day against the buyer's 9:00 to 17:00, in words."""
    if hours is None:
        return ""
    if hours == 0:
        return "no working hours in common with yours"
    if hours >= WORKING_DAY_HOURS:
        return "covers all of your working hours"
    return f"shares {hours} of your {WORKING_DAY_HOURS} working hours"


# Shortlist and compare: two to four of a brief's vendors side by side, the choice held
# in the URL alone (`?vendors=a,b` or `?vendors=a&vendors=b`).
SHORTLIST_MIN = 2
SHORTLIST_MAX = 4
# Four of the longest slugs the catalog allows, and their commas, fit well within this.
SHORTLIST_CHARS_MAX = 500
QUOTED_SLUG_MAX = 60
NOT_RECORDED = "Not recorded in this brief"
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class Shortlist:
    """The vendors picked from a brief, in the order given, and why they cannot be
    compared ("" when they can). `vendors` keeps every picked vendor the brief lists,
    each once, so a refusal still shows the buyer's choice."""

    vendors: list[dict]
    error: str

    @property
    def slugs(self) -> list[str]:
        return [vendor["slug"] for vendor in self.vendors]


def shortlist(page: RecommendationPage, query: QueryDict) -> Shortlist:
    values = query.getlist("vendors")
    if sum(len(value) + 1 for value in values) > SHORTLIST_CHARS_MAX:
        return Shortlist([], "That list of vendors is too long. Pick two to four from the brief.")
    slugs = [slug.strip() for value in values for slug in value.split(",") if slug.strip()]
    listed = {vendor["slug"]: vendor for vendor in page.vendors}
    vendors = [listed[slug] for slug in dict.fromkeys(slugs) if slug in listed]
    unknown = [slug for slug in slugs if slug not in listed]
    repeated = [slug for slug, count in Counter(slugs).items() if count > 1 and slug in listed]
    if not slugs:
        error = "Pick two to four vendors to compare."
    elif unknown:
        error = (
            f"This brief lists no vendor “{unknown[0][:QUOTED_SLUG_MAX]}”. "
            "Pick two to four of the vendors it recommends."
        )
    elif repeated:
        error = f"{listed[repeated[0]]['name']} is picked more than once. Pick each vendor once."
    elif len(slugs) < SHORTLIST_MIN:
        error = "Pick at least two vendors to compare: only one is picked."
    elif len(slugs) > SHORTLIST_MAX:
        error = f"Pick at most four vendors to compare: {len(slugs)} are picked."
    else:
        error = ""
    return Shortlist(vendors, error)


def money(amount: int, currency: str) -> str:
    """A whole amount with its currency's sign, or its code after it: "$1,200", "1,200 SGD"."""
    if symbol := CURRENCY_SYMBOLS.get(currency):
        return f"{symbol}{amount:,}"
    return f"{amount:,} {currency}"


def money_range(low: int, high: int, currency: str) -> str:
    if low == high:
        return money(low, currency)
    if currency in CURRENCY_SYMBOLS:
        return f"{money(low, currency)}–{high:,}"
    return f"{low:,}–{high:,} {currency}"


def words(names: list[str] | None, empty: str = "None listed") -> str:
    if names is None:
        return NOT_RECORDED
    return ", ".join(names) or empty


class Comparison:
    """Shortlisted vendors side by side: a column each, and rows of what a buyer weighs,
    all read from the brief's snapshot. Each cell has its text and, for a yes-or-no
    row, whether the vendor meets it (`met`: True, False or None)."""

    def __init__(self, page: RecommendationPage, vendors: list[dict]):
        self.page = page
        self.vendors = vendors
        recommendation = page.recommendation
        self.currency = recommendation.preferences.get("currency") or "USD"
        self.required = recommendation.guidance.get("certifications_required") or []
        self.chosen = recommendation.task_services

    @property
    def any_email(self) -> bool:
        return any(vendor.get("contact_email") for vendor in self.vendors)

    @property
    def cost_basis(self) -> str:
        """The hours the monthly estimates assume, as the brief gives them."""
        cost = self.page.recommendation.guidance.get("cost") or {}
        hours = cost.get("hours_per_week") or self.page.recommendation.preferences.get(
            "hours_per_week"
        )
        if not hours:
            return ""
        return f"At {hours} hours a week{' (assumed)' if cost.get('hours_assumed') else ''}"

    @property
    def rows(self) -> list[dict]:
        rows = [
            self.row("Fit", "Of 100, as ranked in the brief", self.fit),
            self.row("Listing", "", self.listing),
            self.row("Delivers from", "", lambda v: words(v.get("delivery_country_names"))),
            self.row("Working time", self.overlap_note, self.working_time),
            self.row("Hourly rate", "Published range, US dollars", self.hourly_rate),
            self.row("Estimated monthly cost", self.cost_basis, self.monthly_cost),
            self.row("Minimum engagement", "", self.minimum_engagement),
            self.row("Languages", "", lambda v: words(v.get("language_names"))),
            self.row("Certifications held", "", lambda v: words(v.get("certification_names"))),
        ]
        for item in self.required:
            rows.append(
                self.row(
                    item["name"],
                    "Required" if item.get("must", True) else "Recommended",
                    partial(self.holds, codes=set(item.get("any_of") or [item["code"]])),
                )
            )
        for service in self.chosen:
            rows.append(
                self.row(
                    service["name"],
                    "A service you chose",
                    partial(self.offers, slug=service["slug"]),
                )
            )
        return rows

    def row(self, label: str, note: str, cell) -> dict:
        cells = []
        for vendor in self.vendors:
            value = cell(vendor)
            text, met = value if isinstance(value, tuple) else (value, None)
            cells.append({"text": text, "met": met})
        return {"label": label, "note": note, "cells": cells}

    @property
    def overlap_note(self) -> str:
        if zone := self.page.buyer_location:
            return f"Against your 9:00 to 17:00, {zone} time"
        return ""

    @staticmethod
    def fit(vendor: dict) -> str:
        return str(vendor.get("fit", ""))

    @staticmethod
    def listing(vendor: dict) -> str:
        if vendor["sample"]:
            return "Sample vendor (fictional)"
        return "Verified" if vendor["verified"] else "Not verified"

    @staticmethod
    def working_time(vendor: dict) -> str:
        zone, overlap = vendor.get("timezone"), vendor.get("overlap")
        if not zone:
            return NOT_RECORDED
        return f"{zone} time · {overlap}" if overlap else f"{zone} time"

    @staticmethod
    def hourly_rate(vendor: dict) -> str:
        return vendor["rate"] or "Not published"

    def monthly_cost(self, vendor: dict) -> str:
        low, high = vendor.get("monthly_low"), vendor.get("monthly_high")
        if low is None or high is None:
            return "No estimate" if "monthly_low" in vendor else NOT_RECORDED
        return f"{money_range(low, high, self.currency)} a month"

    @staticmethod
    def minimum_engagement(vendor: dict) -> str:
        minimum = vendor.get("minimum_engagement")
        if minimum is None:
            return NOT_RECORDED
        return money(minimum, "USD") if minimum else "None"

    @staticmethod
    def holds(vendor: dict, codes: set[str]) -> tuple[str, bool | None]:
        held = vendor.get("certifications")
        if held is None:
            return NOT_RECORDED, None
        return ("Has it", True) if codes & set(held) else ("Missing", False)

    @staticmethod
    def offers(vendor: dict, slug: str) -> tuple[str, bool]:
        return ("Offers it", True) if slug in (vendor.get("offers") or ()) else ("No", False)


def proposal_query(page: RecommendationPage) -> str:
    """`subject=…&body=…` for a mailto: link asking a vendor for a proposal: the subject
    names the work, the body links the brief and its request for proposal. Spaces and
    line breaks are percent-encoded (RFC 6068), never `+`."""
    recommendation = page.recommendation
    name = recommendation.task_name or Verdict(recommendation.verdict).long_label.lower()
    rfp_url = urljoin(page.share_url, page.rfp_url)
    body = "\r\n".join(
        [
            "Hello,",
            "",
            f"We would like a proposal from you for this work: {name}.",
            "",
            f"The request for proposal, with the questions to answer and the timeline: {rfp_url}",
            f"The brief it comes from: {page.share_url}",
            "",
            "Kind regards,",
            "",
        ]
    )
    subject = f"Request for proposal: {name}"
    return f"subject={quote(subject, safe='')}&body={quote(body, safe='')}"

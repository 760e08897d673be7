"""Making recommendations: score the answers, match the catalog, keep a snapshot."""

import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass
from uuid import UUID

from django.db import IntegrityError, transaction
from django_countries import countries

from advisor import catalog_inputs
from advisor.engine import Factor
from advisor.engine.matching import (
    Preferences,
    ServiceMatch,
    VendorMatch,
    match_services,
    match_vendors,
)
from advisor.engine.parameters import Parameters
from advisor.engine.results import Result
from advisor.engine.scoring import score
from advisor.engine.work import Task
from advisor.models import Recommendation
from outsourcing.models import Certification

SERVICE_MATCHES = 5
VENDOR_MATCHES = 5
MULTIPLE_PREFERENCES = ("countries", "languages", "certifications")


@dataclass(frozen=True)
class Advice:
    """Everything a recommendation shows, before it is saved."""

    answers: dict[Factor, int]
    preferences: dict
    preference_names: dict[str, dict[str, str]]
    parameters: Parameters
    result: Result
    services: tuple[ServiceMatch, ...]
    vendors: tuple[VendorMatch, ...]

    def recommendation(self, **fields) -> Recommendation:
        """An unsaved recommendation holding this advice as its snapshot."""
        return Recommendation(**self.snapshot(), **fields)

    def snapshot(self) -> dict:
        return {
            "answers": {factor.value: answer for factor, answer in self.answers.items()},
            "preferences": self.preferences,
            "preference_names": self.preference_names,
            "engine_version": self.result.engine_version,
            "parameters": self.parameters.to_dict(),
            "result": self.result.to_dict(),
            "services": [match.to_dict() for match in self.services],
            "vendors": [match.to_dict() for match in self.vendors],
            "verdict": self.result.verdict.value,
            "kpo_score": self.result.kpo_score,
        }


def advice_build(
    *, answers: dict[Factor, int], preferences: dict, task: Task | None = None
) -> Advice:
    """Score the answers with the current settings and match the active catalog.
    (Matching by `task`'s services is the backend's half of issue 12.)"""
    # A code sent twice is kept once, where it first came, so no snapshot repeats it.
    preferences = {
        name: list(dict.fromkeys(value)) if name in MULTIPLE_PREFERENCES else value
        for name, value in preferences.items()
    }
    parameters = catalog_inputs.scoring_parameters()
    result = score(answers, parameters)
    services = match_services(
        answers, result, catalog_inputs.service_candidates(), limit=SERVICE_MATCHES
    )
    names = catalog_inputs.code_names()
    vendors = match_vendors(
        services,
        catalog_inputs.vendor_pool(),
        Preferences(
            countries=frozenset(preferences.get("countries", ())),
            languages=frozenset(preferences.get("languages", ())),
            certifications=frozenset(preferences.get("certifications", ())),
            budget_max=preferences.get("budget"),
            needs_24_7=preferences.get("needs_24_7", False),
        ),
        limit=VENDOR_MATCHES,
        # Only the countries vendors deliver from can appear in a breakdown.
        country_names=names["countries"],
        language_names=names["languages"],
        certification_names=names["certifications"],
    )
    # The brief shows these names as they are now, whatever is renamed later.
    preference_names = {
        "countries": {code: countries.name(code) for code in preferences.get("countries", ())},
        "languages": {
            code: names["languages"].get(code, code) for code in preferences.get("languages", ())
        },
        "certifications": {
            code: names["certifications"].get(code, code)
            for code in preferences.get("certifications", ())
        },
        # A code means little to a buyer: the brief says what each one certifies.
        "certification_meanings": dict(
            Certification.objects.filter(
                code__in=preferences.get("certifications", ())
            ).values_list("code", "description")
        ),
    }
    return Advice(answers, preferences, preference_names, parameters, result, services, vendors)


def submission_key(submission_id: UUID, answers: dict[Factor, int], preferences: dict) -> str:
    """The same form sent twice with the same content gets the same key; a changed
    answer (after going back in the browser, say) gets a new one."""
    content = json.dumps(
        [str(submission_id), {f.value: a for f, a in answers.items()}, preferences],
        sort_keys=True,
    )
    return hashlib.sha256(content.encode()).hexdigest()


def recommendation_create(
    *,
    answers: dict[Factor, int],
    preferences: dict,
    submission_id: UUID | None = None,
    task: Task | None = None,
) -> Recommendation:
    """Save the advice as a snapshot, once per submission.

    A repeated submission (double click, resent form, concurrent identical posts)
    returns the recommendation the first one made. Repeats are rare, so the unique
    key finds them on insert rather than with a lookup before every save.
    """
    key = submission_key(submission_id, answers, preferences) if submission_id else None
    advice = advice_build(task=task, answers=answers, preferences=preferences)
    recommendation = advice.recommendation(submission_key=key)
    # One INSERT is atomic by itself; only inside a transaction (a test, a command)
    # does a savepoint have to keep a duplicate key from spoiling the rest of it.
    connection = transaction.get_connection()
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            recommendation.save(force_insert=True)
        return recommendation
    except IntegrityError:
        if key is None:
            raise
        return Recommendation.objects.get(submission_key=key)

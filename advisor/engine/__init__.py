"""The recommendation engine: plain Python, no Django.

Everything the web app needs is importable from here; see advisor/README.md
for the model behind it.
"""

from advisor.engine.factors import (
    ANSWER_MAX,
    ANSWER_MIN,
    REQUIRED_FACTORS,
    AnswerError,
    Factor,
    Lean,
    ProcessType,
    Verdict,
    parse_answers,
)
from advisor.engine.matching import (
    FitItem,
    PointsPlan,
    Preferences,
    ServiceCandidate,
    ServiceMatch,
    VendorCandidate,
    VendorMatch,
    match_services,
    match_vendors,
    points_plan,
    rate_services,
    vendor_misses,
)
from advisor.engine.parameters import DEFAULT_PARAMETERS, DEFAULT_WEIGHTS, Parameters
from advisor.engine.questions import FACTOR_TEXTS, Choice, FactorText
from advisor.engine.results import (
    Confidence,
    ConfidenceLevel,
    Counterfactual,
    FactorResult,
    Result,
    Split,
)
from advisor.engine.scoring import find_counterfactuals, score
from advisor.engine.version import ENGINE_VERSION
from advisor.engine.work import (
    Requirement,
    Task,
    default_timezone,
    fill_unanswered,
    overlap_hours,
    typical_answers,
)

__all__ = [
    "ANSWER_MAX",
    "ANSWER_MIN",
    "DEFAULT_PARAMETERS",
    "DEFAULT_WEIGHTS",
    "ENGINE_VERSION",
    "FACTOR_TEXTS",
    "REQUIRED_FACTORS",
    "Requirement",
    "AnswerError",
    "Choice",
    "Confidence",
    "ConfidenceLevel",
    "Counterfactual",
    "Factor",
    "FactorResult",
    "FactorText",
    "FitItem",
    "Lean",
    "Parameters",
    "PointsPlan",
    "Preferences",
    "ProcessType",
    "Result",
    "ServiceCandidate",
    "ServiceMatch",
    "Split",
    "Task",
    "VendorCandidate",
    "VendorMatch",
    "Verdict",
    "default_timezone",
    "fill_unanswered",
    "find_counterfactuals",
    "match_services",
    "match_vendors",
    "overlap_hours",
    "parse_answers",
    "points_plan",
    "rate_services",
    "score",
    "typical_answers",
    "vendor_misses",
]

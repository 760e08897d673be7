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
    Preferences,
    ServiceCandidate,
    ServiceMatch,
    VendorCandidate,
    VendorMatch,
    match_services,
    match_vendors,
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

__all__ = [
    "ANSWER_MAX",
    "ANSWER_MIN",
    "DEFAULT_PARAMETERS",
    "DEFAULT_WEIGHTS",
    "ENGINE_VERSION",
    "FACTOR_TEXTS",
    "REQUIRED_FACTORS",
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
    "Preferences",
    "ProcessType",
    "Result",
    "ServiceCandidate",
    "ServiceMatch",
    "Split",
    "VendorCandidate",
    "VendorMatch",
    "Verdict",
    "find_counterfactuals",
    "match_services",
    "match_vendors",
    "parse_answers",
    "score",
]

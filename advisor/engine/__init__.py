"""The recommendation engine: plain Python, no Django."""

from advisor.engine.factors import (
    ANSWER_MAX,
    ANSWER_MIN,
    REQUIRED_FACTORS,
    Factor,
    ProcessType,
    Verdict,
)

__all__ = [
    "ANSWER_MAX",
    "ANSWER_MIN",
    "REQUIRED_FACTORS",
    "Factor",
    "ProcessType",
    "Verdict",
]

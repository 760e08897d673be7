"""What `score` returns: frozen dataclasses that serialise to JSON-safe dicts and back.

A stored `Result.to_dict()` carries every text the page shows (labels, reasons,
sentences), so `Result.from_dict()` re-renders an old recommendation exactly as
it was, even after the engine's wording or rules have moved on.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from advisor.engine.factors import Factor, Lean, Verdict
from advisor.engine.version import ENGINE_VERSION


class ConfidenceLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Confidence:
    """How firmly the answers support the verdict.

    `value` (0..1) is `margin * (0.25 + 0.75 * coverage) * (1 - tension / 2)`,
    where the last factor applies to BPO and KPO verdicts only; `level` is high
    from 0.67, medium from 0.34, else low. All numbers are rounded to 2 places.

    - `margin`: how far the score sits inside its verdict's range (for hybrid:
      from the nearer edge of the band), reaching 1 at half the band's width.
      For a hybrid called only by the opposite-pull rule (score outside the
      band): how far the weaker side's share exceeds the rule's share, reaching
      1 at an even split.
    - `coverage`: the answered share of the total weight of all nine factors.
    - `tension`: the weaker of the strongly KPO and strongly BPO weight shares,
      doubled (0 = every strong answer agrees, 1 = an even split).
    """

    level: ConfidenceLevel
    value: float
    margin: float
    coverage: float
    tension: float
    text: str

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level.value,
            "value": self.value,
            "margin": self.margin,
            "coverage": self.coverage,
            "tension": self.tension,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "Confidence":
        return cls(
            level=ConfidenceLevel(_get(data, "level", str)),
            value=_get(data, "value", float),
            margin=_get(data, "margin", float),
            coverage=_get(data, "coverage", float),
            tension=_get(data, "tension", float),
            text=_get(data, "text", str),
        )


@dataclass(frozen=True)
class FactorResult:
    """One answered factor's part in the result.

    `contribution` is signed score points with one decimal: positive pulls
    toward KPO, negative toward BPO. 50 plus the sum of all contributions equals
    `kpo_score` exactly (to one decimal), so the contributions explain the score.
    """

    factor: Factor
    answer: int
    weight: float
    contribution: float
    leans: Lean
    reason: str
    label: str
    answer_label: str

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.factor.value,
            "label": self.label,
            "answer": self.answer,
            "answer_label": self.answer_label,
            "weight": self.weight,
            "contribution": self.contribution,
            "leans": self.leans.value,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "FactorResult":
        return cls(
            factor=Factor(_get(data, "key", str)),
            answer=_get(data, "answer", int),
            weight=_get(data, "weight", float),
            contribution=_get(data, "contribution", float),
            leans=Lean(_get(data, "leans", str)),
            reason=_get(data, "reason", str),
            label=_get(data, "label", str),
            answer_label=_get(data, "answer_label", str),
        )


@dataclass(frozen=True)
class Counterfactual:
    """A single-answer change that gives a different verdict, checked by re-scoring."""

    factor: Factor
    current: int
    proposed: int
    verdict: Verdict
    kpo_score: float
    text: str

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.factor.value,
            "current": self.current,
            "proposed": self.proposed,
            "verdict": self.verdict.value,
            "kpo_score": self.kpo_score,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "Counterfactual":
        return cls(
            factor=Factor(_get(data, "key", str)),
            current=_get(data, "current", int),
            proposed=_get(data, "proposed", int),
            verdict=Verdict(_get(data, "verdict", str)),
            kpo_score=_get(data, "kpo_score", float),
            text=_get(data, "text", str),
        )


@dataclass(frozen=True)
class Split:
    """For hybrid work: which answered factors lean BPO and which lean KPO, and advice."""

    bpo: tuple[Factor, ...]
    kpo: tuple[Factor, ...]
    text: str

    def to_dict(self) -> dict[str, object]:
        return {
            "bpo": [factor.value for factor in self.bpo],
            "kpo": [factor.value for factor in self.kpo],
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "Split":
        return cls(
            bpo=tuple(Factor(_str(key)) for key in _get(data, "bpo", list)),
            kpo=tuple(Factor(_str(key)) for key in _get(data, "kpo", list)),
            text=_get(data, "text", str),
        )


@dataclass(frozen=True)
class Result:
    """The engine's answer for one set of answers and parameters.

    - `kpo_score`: 0..100 with one decimal (a float); 0 is pure BPO, 100 pure KPO.
    - `factors`: the answered factors only, in questionnaire order.
    - `counterfactuals`: at most five, smallest change first.
    - `split`: advice on dividing the work, for hybrid verdicts only.
    - `opposite_pull`: whether the opposite-pull rule fired (it may coincide
      with a score inside the hybrid band).
    - `kpo_pull` / `bpo_pull`: shares (0..1, 2 places) of the answered weight
      carried by strongly KPO answers and strongly BPO answers.
    - `summary`: one sentence stating the verdict and why.
    """

    verdict: Verdict
    kpo_score: float
    confidence: Confidence
    factors: tuple[FactorResult, ...]
    counterfactuals: tuple[Counterfactual, ...]
    split: Split | None
    summary: str
    opposite_pull: bool
    kpo_pull: float
    bpo_pull: float
    engine_version: str = ENGINE_VERSION

    def answers(self) -> dict[Factor, int]:
        return {item.factor: item.answer for item in self.factors}

    def top_reasons(self, n: int = 3) -> tuple[FactorResult, ...]:
        """The n factors that did most to produce the verdict, strongest first.

        For BPO, the most negative contributions; for KPO, the most positive;
        for hybrid, the largest either way. Factors pulling against the verdict
        (or not at all) are left out; ties keep questionnaire order.
        """
        if self.verdict is Verdict.BPO:
            candidates = [item for item in self.factors if item.contribution < 0]
        elif self.verdict is Verdict.KPO:
            candidates = [item for item in self.factors if item.contribution > 0]
        else:
            candidates = [item for item in self.factors if item.contribution != 0]
        candidates.sort(key=lambda item: -abs(item.contribution))
        return tuple(candidates[:n])

    def to_dict(self) -> dict[str, object]:
        """A JSON-safe dict; `Result.from_dict(result.to_dict()) == result`."""
        return {
            "engine_version": self.engine_version,
            "verdict": self.verdict.value,
            "kpo_score": self.kpo_score,
            "confidence": self.confidence.to_dict(),
            "summary": self.summary,
            "opposite_pull": self.opposite_pull,
            "kpo_pull": self.kpo_pull,
            "bpo_pull": self.bpo_pull,
            "factors": [item.to_dict() for item in self.factors],
            "counterfactuals": [item.to_dict() for item in self.counterfactuals],
            "split": None if self.split is None else self.split.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "Result":
        """Rebuild a stored result; raises ValueError if the snapshot is malformed."""
        split = data.get("split")
        return cls(
            engine_version=_get(data, "engine_version", str),
            verdict=Verdict(_get(data, "verdict", str)),
            kpo_score=_get(data, "kpo_score", float),
            confidence=Confidence.from_dict(_mapping(_get(data, "confidence", object))),
            summary=_get(data, "summary", str),
            opposite_pull=_get(data, "opposite_pull", bool),
            kpo_pull=_get(data, "kpo_pull", float),
            bpo_pull=_get(data, "bpo_pull", float),
            factors=tuple(
                FactorResult.from_dict(_mapping(item)) for item in _get(data, "factors", list)
            ),
            counterfactuals=tuple(
                Counterfactual.from_dict(_mapping(item))
                for item in _get(data, "counterfactuals", list)
            ),
            split=None if split is None else Split.from_dict(_mapping(split)),
        )


def _get[T](data: Mapping[str, object], key: str, kind: type[T]) -> T:
    """Read `key` from a snapshot, insisting on its type (ints pass as floats, bools never
    pass as numbers)."""
    if key not in data:
        raise ValueError(f"snapshot is missing {key!r}")
    value = data[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"snapshot field {key!r} has the wrong type: {value!r}")
    return value


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected an object in the snapshot, got {value!r}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a factor key in the snapshot, got {value!r}")
    return value

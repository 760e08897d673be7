"""The tunable part of the model: factor weights and verdict thresholds.

Parameters are data. The web app stores them (`to_dict`) with every
recommendation and lets an admin edit them (`from_dict`, which validates).
Internally each parameter is also kept as an exact rational number, read from
its shortest decimal form (0.1 means one tenth), so that scores, thresholds and
rounding never depend on binary floating-point noise.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from advisor.engine.factors import Factor

DEFAULT_WEIGHTS: Mapping[Factor, float] = MappingProxyType(
    {
        Factor.TASK_COMPLEXITY: 3.0,
        Factor.SKILL_SCARCITY: 3.0,
        Factor.DECISION_AUTHORITY: 3.0,
        Factor.PROCESS_DEFINITION: 2.0,
        Factor.CORE_PROXIMITY: 2.0,
        Factor.CUSTOMIZATION: 1.5,
        Factor.DRIVING_FORCE: 1.5,
        Factor.TECHNOLOGY: 1.0,
        Factor.CUSTOMER_CONTACT: 1.0,
    }
)

_KEYS = ("weights", "bpo_max", "kpo_min", "opposite_pull_share")


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return float(value)


def _exact(value: float) -> Fraction:
    return Fraction(repr(value))


def weight_units(weights: Mapping[Factor, float]) -> dict[Factor, int]:
    """Weights as whole numbers in the same proportions, reading each as its decimal form."""
    exact = {factor: _exact(weight) for factor, weight in weights.items()}
    scale = math.lcm(*(value.denominator for value in exact.values()))
    return {factor: int(value * scale) for factor, value in exact.items()}


@dataclass(frozen=True)
class Parameters:
    """Weights per factor (all nine, each > 0) and the verdict thresholds.

    - `bpo_max`: a kpo_score at or below this is BPO (0 <= bpo_max < kpo_min).
    - `kpo_min`: a kpo_score at or above this is KPO (kpo_min <= 100).
    - `opposite_pull_share`: the opposite-pull rule calls the work hybrid when
      strongly KPO answers and strongly BPO answers each carry at least this
      share of the answered weight (0 < share <= 1; above 0.5 it can never fire).

    Construction validates and raises ValueError; `dataclasses.replace` works too.
    """

    weights: Mapping[Factor, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    bpo_max: float = 35.0
    kpo_min: float = 65.0
    opposite_pull_share: float = 0.25
    # Exact integer forms used by the scorer, derived in __post_init__.
    units: Mapping[Factor, int] = field(init=False, repr=False, compare=False)
    bpo_max_tenths: int = field(init=False, repr=False, compare=False)
    kpo_min_tenths: int = field(init=False, repr=False, compare=False)
    share: Fraction = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.weights, Mapping):
            raise ValueError("weights must be a mapping of factor key to number")
        unknown = sorted(str(key) for key in self.weights if key not in set(Factor))
        if unknown:
            raise ValueError(f"weights has unknown factors: {', '.join(unknown)}")
        weights: dict[Factor, float] = {}
        for factor in Factor:
            if factor not in self.weights:
                raise ValueError(f"weights is missing {factor.value}")
            weight = _number(f"weight for {factor.value}", self.weights[factor])
            if weight <= 0:
                raise ValueError(f"weight for {factor.value} must be above 0, not {weight:g}")
            weights[factor] = weight
        bpo_max = _number("bpo_max", self.bpo_max)
        kpo_min = _number("kpo_min", self.kpo_min)
        share = _number("opposite_pull_share", self.opposite_pull_share)
        if not 0 <= bpo_max < kpo_min <= 100:
            raise ValueError(
                f"thresholds must satisfy 0 <= bpo_max < kpo_min <= 100; "
                f"got bpo_max={bpo_max:g}, kpo_min={kpo_min:g}"
            )
        if not 0 < share <= 1:
            raise ValueError(f"opposite_pull_share must be above 0 and at most 1, not {share:g}")

        set_ = object.__setattr__
        set_(self, "weights", MappingProxyType(weights))
        set_(self, "bpo_max", bpo_max)
        set_(self, "kpo_min", kpo_min)
        set_(self, "opposite_pull_share", share)
        set_(self, "units", MappingProxyType(weight_units(weights)))
        set_(self, "bpo_max_tenths", math.floor(_exact(bpo_max) * 10))
        set_(self, "kpo_min_tenths", math.ceil(_exact(kpo_min) * 10))
        set_(self, "share", _exact(share))

    def __hash__(self) -> int:
        return hash(
            (tuple(self.weights.items()), self.bpo_max, self.kpo_min, self.opposite_pull_share)
        )

    def to_dict(self) -> dict[str, object]:
        """A JSON-safe dict: `weights` (factor key to float) and the three thresholds."""
        return {
            "weights": {factor.value: weight for factor, weight in self.weights.items()},
            "bpo_max": self.bpo_max,
            "kpo_min": self.kpo_min,
            "opposite_pull_share": self.opposite_pull_share,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "Parameters":
        """Rebuild parameters from `to_dict` output; every key is required.

        Raises ValueError with a readable message for anything malformed.
        """
        if not isinstance(data, Mapping):
            raise ValueError("parameters must be a mapping")
        unknown = sorted(str(key) for key in data if key not in _KEYS)
        if unknown:
            raise ValueError(f"unknown parameters: {', '.join(unknown)}")
        missing = [key for key in _KEYS if key not in data]
        if missing:
            raise ValueError(f"missing parameters: {', '.join(missing)}")
        weights = data["weights"]
        if not isinstance(weights, Mapping):
            raise ValueError("weights must be a mapping of factor key to number")
        return cls(
            weights=weights,
            bpo_max=_number("bpo_max", data["bpo_max"]),
            kpo_min=_number("kpo_min", data["kpo_min"]),
            opposite_pull_share=_number("opposite_pull_share", data["opposite_pull_share"]),
        )


DEFAULT_PARAMETERS = Parameters()

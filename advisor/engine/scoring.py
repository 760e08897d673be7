"""Scoring: answers and parameters in, an explained `Result` out.

How it works, in short (advisor/README.md has the long version):

- Each answered factor has a lean toward KPO: answer 1 is 0, 5 is 1, in
  quarters; customer_contact is reversed. kpo_score is the weighted mean lean
  times 100, rounded half up to one decimal. Unanswered factors drop out.
- Verdict: BPO at or below `bpo_max`, KPO at or above `kpo_min`, hybrid in
  between; and hybrid whatever the score when the opposite-pull rule fires:
  answers of 4-5 on the KPO side and answers of 1-2 on the BPO side each carry
  at least `opposite_pull_share` of the answered weight.
- All arithmetic runs on exact integers (weights scaled to whole units), so
  results are the same on every machine and never wobble at a threshold.
"""

from collections.abc import Mapping
from typing import NamedTuple

from advisor.engine.factors import Factor, Lean, Verdict, parse_answers
from advisor.engine.parameters import DEFAULT_PARAMETERS, Parameters
from advisor.engine.questions import ANSWER_CONDITIONS, FACTOR_TEXTS
from advisor.engine.results import (
    Confidence,
    ConfidenceLevel,
    Counterfactual,
    FactorResult,
    Result,
    Split,
)

MAX_COUNTERFACTUALS = 5
HIGH_CONFIDENCE = 0.67
MEDIUM_CONFIDENCE = 0.34
# A lean is counted in quarters: 0 (answer pulls fully to BPO) to 4 (fully to KPO).
STRONG_KPO_QUARTERS = 3
STRONG_BPO_QUARTERS = 1
SPLIT_PARTS = 3
# The confidence text mentions answers pulling against a BPO or KPO verdict from this share.
MENTION_AGAINST = 0.1

_FACTOR_INDEX = {factor: index for index, factor in enumerate(Factor)}
# What a changed verdict would mean, for "what would change it".
_OUTCOMES = {
    Verdict.BPO: "it would suit a BPO provider",
    Verdict.KPO: "it would call for a KPO provider",
    Verdict.HYBRID: "it would be best split between a BPO provider and a KPO specialist",
}


class _Evaluation(NamedTuple):
    tenths: int  # kpo_score * 10
    band: Verdict  # the verdict from the thresholds alone
    verdict: Verdict
    opposite_pull: bool
    total: int  # answered weight, in units
    kpo_strong: int  # weight of strongly KPO answers, in units
    bpo_strong: int  # weight of strongly BPO answers, in units


def _quarters(factor: Factor, answer: int) -> int:
    return 5 - answer if factor is Factor.CUSTOMER_CONTACT else answer - 1


def _evaluate(answers: Mapping[Factor, int], parameters: Parameters) -> _Evaluation:
    """The numbers behind a verdict, for answers that are already valid."""
    total = pulled = kpo_strong = bpo_strong = 0
    for factor, answer in answers.items():
        unit = parameters.units[factor]
        quarters = _quarters(factor, answer)
        total += unit
        pulled += unit * quarters
        if quarters >= STRONG_KPO_QUARTERS:
            kpo_strong += unit
        elif quarters <= STRONG_BPO_QUARTERS:
            bpo_strong += unit
    # kpo_score * 10 = 1000 * pulled / (4 * total) = 250 * pulled / total, rounded half up.
    tenths = (500 * pulled + total) // (2 * total)
    if tenths <= parameters.bpo_max_tenths:
        band = Verdict.BPO
    elif tenths >= parameters.kpo_min_tenths:
        band = Verdict.KPO
    else:
        band = Verdict.HYBRID
    share = parameters.share
    opposite_pull = min(kpo_strong, bpo_strong) * share.denominator >= share.numerator * total
    verdict = Verdict.HYBRID if opposite_pull else band
    return _Evaluation(tenths, band, verdict, opposite_pull, total, kpo_strong, bpo_strong)


def score(answers: Mapping[Factor, int], parameters: Parameters = DEFAULT_PARAMETERS) -> Result:
    """Score one set of answers. Raises `AnswerError` if the answers are invalid.

    Keys may be `Factor` members or their string values; see `parse_answers`.
    """
    valid = parse_answers(answers)
    evaluation = _evaluate(valid, parameters)
    factors = _factor_results(valid, parameters, evaluation)
    return Result(
        verdict=evaluation.verdict,
        kpo_score=evaluation.tenths / 10,
        confidence=_confidence(valid, parameters, evaluation),
        factors=factors,
        counterfactuals=find_counterfactuals(valid, parameters),
        split=_split(factors) if evaluation.verdict is Verdict.HYBRID else None,
        summary=_summary(parameters, evaluation),
        opposite_pull=evaluation.opposite_pull,
        kpo_pull=round(evaluation.kpo_strong / evaluation.total, 2),
        bpo_pull=round(evaluation.bpo_strong / evaluation.total, 2),
    )


def _factor_results(
    answers: Mapping[Factor, int], parameters: Parameters, evaluation: _Evaluation
) -> tuple[FactorResult, ...]:
    """Per-factor results whose contributions add up to kpo_score - 50 exactly.

    Each exact contribution (in tenths of a point) is rounded down, and the
    tenths lost to rounding go to the largest remainders first (ties in
    questionnaire order), so the one-decimal values always sum to the
    one-decimal score.
    """
    total = evaluation.total
    floors: list[int] = []
    remainders: list[int] = []
    for factor, answer in answers.items():
        exact = 250 * parameters.units[factor] * (_quarters(factor, answer) - 2)
        floors.append(exact // total)
        remainders.append(exact % total)
    missing = evaluation.tenths - 500 - sum(floors)
    by_remainder = sorted(range(len(floors)), key=lambda index: -remainders[index])
    for index in by_remainder[:missing]:
        floors[index] += 1

    results = []
    for (factor, answer), tenths in zip(answers.items(), floors, strict=True):
        quarters = _quarters(factor, answer)
        text = FACTOR_TEXTS[factor]
        results.append(
            FactorResult(
                factor=factor,
                answer=answer,
                weight=parameters.weights[factor],
                contribution=tenths / 10,
                leans=Lean.KPO if quarters > 2 else Lean.BPO if quarters < 2 else Lean.NEUTRAL,
                reason=text.reason(answer),
                label=text.label,
                answer_label=text.choice(answer).label,
            )
        )
    return tuple(results)


def find_counterfactuals(
    answers: Mapping[Factor, int],
    parameters: Parameters = DEFAULT_PARAMETERS,
    limit: int = MAX_COUNTERFACTUALS,
) -> tuple[Counterfactual, ...]:
    """The smallest single-answer changes that change the verdict.

    For each answered factor, the nearest other answer that gives a different
    verdict when the whole set is scored again (if both directions flip at the
    same distance: the larger score change, then the lower answer). Ordered by
    size of change, then by effect on the score (largest first), then
    questionnaire order; at most `limit`. Empty when no single change flips it.
    """
    valid = parse_answers(answers)
    current = _evaluate(valid, parameters)
    found: list[tuple[int, int, int, Counterfactual]] = []
    for factor, answer in valid.items():
        for distance in range(1, 5):
            options = [
                (proposed, _evaluate({**valid, factor: proposed}, parameters))
                for proposed in (answer - distance, answer + distance)
                if 1 <= proposed <= 5
            ]
            flips = [option for option in options if option[1].verdict != current.verdict]
            if flips:
                proposed, changed = min(
                    flips, key=lambda option: (-abs(option[1].tenths - current.tenths), option[0])
                )
                kpo_score = changed.tenths / 10
                condition = ANSWER_CONDITIONS[factor][proposed - 1]
                text = f"{condition[0].upper()}{condition[1:]}, {_OUTCOMES[changed.verdict]}."
                change = Counterfactual(factor, answer, proposed, changed.verdict, kpo_score, text)
                effect = abs(changed.tenths - current.tenths)
                found.append((distance, -effect, _FACTOR_INDEX[factor], change))
                break
    found.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in found[:limit])


def _confidence(
    answers: Mapping[Factor, int], parameters: Parameters, evaluation: _Evaluation
) -> Confidence:
    kpo_score = evaluation.tenths / 10
    bpo_max, kpo_min = parameters.bpo_max, parameters.kpo_min
    half_band = (kpo_min - bpo_max) / 2
    kpo_share = evaluation.kpo_strong / evaluation.total
    bpo_share = evaluation.bpo_strong / evaluation.total
    tension = min(1.0, 2 * min(kpo_share, bpo_share))
    penalty = 1.0
    if evaluation.verdict is Verdict.BPO:
        distance = bpo_max - kpo_score
        margin = distance / half_band
        position = f"the answers sit {distance:.1f} points on the BPO side of the line"
        penalty = 1 - tension / 2
    elif evaluation.verdict is Verdict.KPO:
        distance = kpo_score - kpo_min
        margin = distance / half_band
        position = f"the answers sit {distance:.1f} points on the KPO side of the line"
        penalty = 1 - tension / 2
    elif evaluation.band is Verdict.HYBRID:
        distance = min(kpo_score - bpo_max, kpo_min - kpo_score)
        margin = distance / half_band
        position = f"the answers sit {distance:.1f} points inside the middle range"
    else:
        share = parameters.opposite_pull_share
        weaker = min(kpo_share, bpo_share)
        margin = (weaker - share) / (0.5 - share) if share < 0.5 else 1.0
        position = (
            f"{kpo_share:.0%} of what you answered points firmly to KPO "
            f"and {bpo_share:.0%} firmly to BPO"
        )
    margin = min(1.0, max(0.0, margin))
    answered_weight = sum(parameters.weights[factor] for factor in answers)
    coverage = answered_weight / sum(parameters.weights.values())
    value = round(margin * (0.25 + 0.75 * coverage) * penalty, 2)
    if value >= HIGH_CONFIDENCE:
        level = ConfidenceLevel.HIGH
    elif value >= MEDIUM_CONFIDENCE:
        level = ConfidenceLevel.MEDIUM
    else:
        level = ConfidenceLevel.LOW
    text = f"{position[0].upper()}{position[1:]}, and you answered {len(answers)} of "
    text += f"{len(Factor)} questions"
    against = bpo_share if evaluation.verdict is Verdict.KPO else kpo_share
    if penalty < 1 and against >= MENTION_AGAINST:
        text += f"; {against:.0%} of what you answered points firmly the other way"
    return Confidence(
        level=level,
        value=value,
        margin=round(margin, 2),
        coverage=round(coverage, 2),
        tension=round(tension, 2),
        text=text + ".",
    )


def _summary(parameters: Parameters, evaluation: _Evaluation) -> str:
    """One sentence about the work; the score and its thresholds are shown beside it."""
    kpo_share = f"{evaluation.kpo_strong / evaluation.total:.0%}"
    bpo_share = f"{evaluation.bpo_strong / evaluation.total:.0%}"
    if evaluation.verdict is Verdict.BPO:
        return "The answers describe routine, rule-driven work: a BPO provider suits it."
    if evaluation.verdict is Verdict.KPO:
        return "The answers describe expert, judgment-heavy work: it calls for a KPO provider."
    if not evaluation.opposite_pull:
        return (
            "The work mixes rule-driven steps with parts that need expert judgment, so it "
            "sits between the two kinds of provider."
        )
    if evaluation.band is Verdict.HYBRID:
        return (
            f"The answers pull both ways ({kpo_share} of what you answered points firmly to "
            f"expert work, {bpo_share} firmly to routine work), so the work likely holds "
            f"parts of each kind."
        )
    against = bpo_share if evaluation.band is Verdict.KPO else kpo_share
    return (
        f"On balance the answers point to {evaluation.band.label}, but {against} of "
        f"what you answered points firmly the other way, so the work likely holds parts of "
        f"each kind."
    )


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _split(factors: tuple[FactorResult, ...]) -> Split:
    """Advice on dividing hybrid work, built from the factors that lean each way."""
    strongest = sorted(factors, key=lambda item: -abs(item.contribution))
    bpo_parts = [
        part
        for item in strongest
        if item.leans is Lean.BPO and (part := FACTOR_TEXTS[item.factor].bpo_part)
    ][:SPLIT_PARTS]
    kpo_parts = [
        part
        for item in strongest
        if item.leans is Lean.KPO and (part := FACTOR_TEXTS[item.factor].kpo_part)
    ][:SPLIT_PARTS]
    keep = _join(kpo_parts) if kpo_parts else "the cases that need expert judgment"
    if not any(item.leans is Lean.BPO for item in factors):
        text = (
            f"No answer marks out routine work for a BPO provider, so keep {keep} with a KPO "
            f"specialist or in-house; the answers in the middle suggest some steps may be "
            f"simpler, and the specialist can tell you which."
        )
    elif bpo_parts or kpo_parts:
        hand = _join(bpo_parts) if bpo_parts else "the routine, rule-driven steps"
        text = f"Hand {hand} to a BPO provider; keep {keep} with a KPO specialist or in-house."
    else:
        text = (
            "Your answers sit mostly in the middle, which usually means the work mixes both "
            "kinds: hand the scripted, rule-driven steps such as intake and data keying to a "
            "BPO provider, and keep the complex cases that need judgment with a KPO "
            "specialist or in-house."
        )
    return Split(
        bpo=tuple(item.factor for item in factors if item.leans is Lean.BPO),
        kpo=tuple(item.factor for item in factors if item.leans is Lean.KPO),
        text=text,
    )

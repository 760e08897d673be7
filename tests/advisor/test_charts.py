"""The factor chart's geometry, wide and narrow, and the score scale."""

import pytest

from advisor.charts import NARROW, WIDE, factor_chart, score_scale
from advisor.engine import Factor, Lean
from advisor.engine.results import FactorResult


def item(contribution: float) -> FactorResult:
    return FactorResult(
        factor=Factor.TASK_COMPLEXITY,
        answer=4,
        weight=3.0,
        contribution=contribution,
        leans=Lean.KPO if contribution > 0 else Lean.BPO,
        reason="",
        label="Task complexity",
        answer_label="Often",
    )


def test_the_wide_chart_puts_labels_left_and_bars_either_side_of_the_centre():
    chart = factor_chart([item(20.0), item(-10.0)], WIDE)
    assert (chart["width"], chart["centre"], chart["label_width"]) == (640, 415, 190)
    kpo, bpo = chart["rows"]
    # The largest pull spans the half width: 185 units from the centre.
    assert (kpo["x"], kpo["width"], kpo["anchor"]) == (415, 185, "start")
    assert kpo["value_x"] == 415 + 185 + 4
    assert (bpo["x"], bpo["width"], bpo["anchor"]) == (415 - 92.5, 92.5, "end")
    assert bpo["value_x"] == 415 - 92.5 - 4
    assert [row["bar_y"] for row in chart["rows"]] == [6, 36]
    assert [row["label_y"] for row in chart["rows"]] == [19, 49]
    assert (chart["height"], chart["axis_y"], chart["bar_height"]) == (84, 76, 18)


def test_the_narrow_chart_puts_each_label_above_its_bar():
    chart = factor_chart([item(20.0), item(-10.0)], NARROW)
    assert (chart["width"], chart["centre"], chart["label_width"]) == (340, 170, 0)
    kpo, bpo = chart["rows"]
    assert (kpo["x"], kpo["width"]) == (170, 130)
    assert (bpo["x"], bpo["width"]) == (105, 65)
    assert [(row["label_y"], row["bar_y"], row["text_y"]) for row in chart["rows"]] == [
        (14, 20, 33),
        (58, 64, 77),
    ]
    assert (chart["height"], chart["axis_y"], chart["bar_height"]) == (106, 88, 16)


@pytest.mark.parametrize("layout", [WIDE, NARROW])
def test_small_pulls_stay_small_and_none_vanishes(layout):
    chart = factor_chart([item(2.0), item(0.0)], layout)
    half = chart["centre"] - chart["label_width"] - 40
    nudge, nothing = chart["rows"]
    assert nudge["width"] == pytest.approx(half * 2 / 10)  # against a floor of 10 points
    assert nothing["width"] == 1


def test_the_score_scale_draws_the_bands_in_force():
    scale = score_scale(72.5, 40.0, 60.0)
    assert (scale["bpo_width"], scale["hybrid_width"]) == ("120.0", "60.0")
    assert (scale["kpo_x"], scale["kpo_width"]) == ("180.0", "120.0")
    assert scale["marker_x"] == "217.5"
    assert score_scale(0, 40, 60)["marker_x"] == "2.0"
    assert score_scale(100, 40, 60)["marker_x"] == "298.0"

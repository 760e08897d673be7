"""Geometry for the brief's drawings: the factor chart and the score scale.

The factor chart has one row per answered factor, each bar drawn from a centre line:
left for a pull toward BPO, right toward KPO, as long as its share of the largest
pull. Two layouts draw it: wide, with the labels left of the bars, and narrow (a
phone), with each label on its own line above its bar.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from advisor.engine.results import FactorResult

VALUE_ROOM = 40  # past each bar's end, for its value
MIN_SCALE = 10  # the longest bar's points at least: small nudges stay small
SCALE_WIDTH = 300  # the score scale draws 0 to 100 this wide


@dataclass(frozen=True)
class ChartLayout:
    width: int
    label_width: int  # 0: each label above its bar
    row_height: int
    # Baselines and the bar's top, from the top of its row.
    label_y: int
    bar_y: int
    value_y: int
    bar_height: int
    axis_below: int  # how far the centre line runs past the last row
    legend_below: int  # where the "toward BPO / KPO" legend sits past the last row


WIDE = ChartLayout(
    width=640,
    label_width=190,
    row_height=30,
    label_y=19,
    bar_y=6,
    value_y=19,
    bar_height=18,
    axis_below=16,
    legend_below=24,
)
NARROW = ChartLayout(
    width=340,
    label_width=0,
    row_height=44,
    label_y=14,
    bar_y=20,
    value_y=33,
    bar_height=16,
    axis_below=0,
    legend_below=18,
)


def factor_chart(factors: Sequence[FactorResult], layout: ChartLayout) -> dict:
    """Where each label, bar and value goes, in the layout's units."""
    centre = layout.label_width + (layout.width - layout.label_width) / 2
    half = centre - layout.label_width - VALUE_ROOM
    largest = max([MIN_SCALE, *(abs(item.contribution) for item in factors)])
    rows = []
    for index, item in enumerate(factors):
        top = index * layout.row_height
        length = half * abs(item.contribution) / largest
        toward_bpo = item.contribution < 0
        rows.append(
            {
                "item": item,
                "label_y": top + layout.label_y,
                "bar_y": top + layout.bar_y,
                "text_y": top + layout.value_y,
                "x": centre - length if toward_bpo else centre,
                "width": max(length, 1),
                "value_x": centre - length - 4 if toward_bpo else centre + length + 4,
                "anchor": "end" if toward_bpo else "start",
            }
        )
    rows_height = len(factors) * layout.row_height
    return {
        "rows": rows,
        "width": layout.width,
        "height": rows_height + layout.legend_below,
        "centre": centre,
        "axis_y": rows_height + layout.axis_below,
        "label_width": layout.label_width,
        "bar_height": layout.bar_height,
    }


def score_scale(score: float, bpo_max: float, kpo_min: float) -> dict:
    """The score on a line 0 to 100, with the BPO, hybrid and KPO bands in force."""
    unit = SCALE_WIDTH / 100
    return {
        "score": score,
        "bpo_max": bpo_max,
        "kpo_min": kpo_min,
        "bpo_width": f"{bpo_max * unit:.1f}",
        "hybrid_width": f"{(kpo_min - bpo_max) * unit:.1f}",
        "kpo_x": f"{kpo_min * unit:.1f}",
        "kpo_width": f"{(100 - kpo_min) * unit:.1f}",
        "marker_x": f"{min(max(score * unit, 2), SCALE_WIDTH - 2):.1f}",
    }

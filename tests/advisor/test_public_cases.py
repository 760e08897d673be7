"""The published advisor cases: each names a piece of work, its answers and the verdict."""

import json
from pathlib import Path

import pytest

from advisor.engine import Verdict, score

CASES = json.loads((Path(__file__).parent / "public_cases.json").read_text(encoding="utf-8"))[
    "cases"
]


def test_all_twelve_cases_are_loaded():
    assert len(CASES) == 12


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_public_case(case):
    result = score(case["answers"])
    assert result.verdict is Verdict(case["verdict"])
    assert [item.factor.value for item in result.factors] == list(case["answers"])
    for change in result.counterfactuals:
        rescored = score({**case["answers"], change.factor.value: change.proposed})
        assert rescored.verdict is change.verdict is not result.verdict

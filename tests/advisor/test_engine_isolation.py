"""The engine is plain Python: importing it loads neither Django nor the project's apps."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
before = set(sys.modules)
import advisor.engine
loaded = sorted(set(sys.modules) - before)
print(json.dumps({"loaded": loaded, "stdlib": sorted(sys.stdlib_module_names)}))
"""


def test_engine_imports_without_django_or_the_apps():
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={
            **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO")},
            "PYTHONPATH": str(ROOT),
        },
    )
    report = json.loads(completed.stdout)
    loaded, stdlib = report["loaded"], set(report["stdlib"])
    assert "django" not in loaded
    assert not [name for name in loaded if name.startswith("django")]
    foreign = [
        name
        for name in loaded
        if name.split(".")[0] not in stdlib
        and not (name == "advisor" or name.startswith("advisor.engine"))
        # zoneinfo reads the platform's build data, a standard-library module that
        # sys.stdlib_module_names does not list.
        and not name.startswith("_sysconfigdata_")
    ]
    assert foreign == []

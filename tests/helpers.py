"""Helpers shared by test modules. Fixtures live in conftest.py files, factories and
answer sets in factories.py."""

import os
import subprocess
import sys
import tempfile
import uuid

from django.conf import settings


def run_python(code, **env):
    """Run `code` in a fresh interpreter with the real settings and none of this
    process's DJANGO_*, DATABASE_URL or REDIS_URL variables, plus `env`. Its cache is
    a folder of its own unless `env` names one: a probe of an empty database must not
    file its empty catalog under the version a developer's server reads."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    with tempfile.TemporaryDirectory(prefix="run-python-cache-") as cache_dir:
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={
                **environment,
                "DJANGO_SETTINGS_MODULE": "outsourcing.settings",
                "DJANGO_CACHE_DIR": cache_dir,
                **env,
            },
            cwd=settings.BASE_DIR,
        )


def submit(client, answers, **extra):
    """POST the questionnaire once, as a browser would, with a fresh submission id and
    the name of the work (tests.factories.WORK)."""
    from tests.factories import WORK

    return client.post(
        "/advisor/", {"submission_id": str(uuid.uuid4()), **WORK, **answers, **extra}
    )


def required_answers(task_complexity, skill_scarcity, decision_authority, **optional):
    """Engine answers: the three required factors in order, then any optional ones."""
    return {
        "task_complexity": task_complexity,
        "skill_scarcity": skill_scarcity,
        "decision_authority": decision_authority,
        **optional,
    }

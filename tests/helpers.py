"""Helpers shared by test modules. Fixtures live in conftest.py files, factories and
answer sets in factories.py."""

import os
import subprocess
import sys
import tempfile
import uuid

from django.conf import settings

from advisor.engine import Factor
from advisor.engine.parameters import DEFAULT_PARAMETERS


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


def vendor_snapshot(slug, **fields):
    """A vendor as a saved brief keeps it (advisor.services.vendor_entry), with every key
    a brief can hold; `fields` replace any of them."""
    name = slug.replace("-", " ").title()
    return {
        "slug": slug,
        "name": name,
        "id": abs(hash(slug)) % 10_000,
        "fit": 80,
        "points": 80,
        "max_points": 100,
        "breakdown": [{"points": 80, "text": "Offers the service"}],
        "services": ["email-support"],
        "offers": ["email-support"],
        "offers_names": ["Email support"],
        "sample": False,
        "verified": True,
        "delivery_countries": ["PH"],
        "delivery_country_names": ["Philippines"],
        "timezone": "Asia/Manila",
        "overlap_hours": 0,
        "meets_must_haves": True,
        "misses": [],
        "hourly_rate_min": 8,
        "hourly_rate_max": 12,
        "languages": ["en"],
        "language_names": ["English"],
        "certifications": [],
        "certification_names": [],
        "minimum_engagement": 0,
        "contact_email": f"proposals@{slug}.example",
        "contact_url": f"https://{slug}.example/contact",
        "monthly_low": 1400,
        "monthly_high": 2100,
        "reviewed_on": None,
        **fields,
    }


def saved_brief(*, vendors=(), guidance=None, preferences=None, **fields):
    """A saved Recommendation whose snapshot holds exactly what it is given, scored by
    the engine from routine support answers: for pages that read only the snapshot."""
    from advisor.engine.scoring import score
    from advisor.models import Recommendation
    from tests.factories import ROUTINE_ANSWERS

    answers = {Factor(key): int(value) for key, value in ROUTINE_ANSWERS.items()}
    result = score(answers)
    return Recommendation.objects.create(
        **{
            "task_name": "Customer email and chat support",
            "task_description": "Answer customers' emails and chats about orders.",
            "task_services": [{"slug": "email-support", "name": "Email support"}],
            "answers": {factor.value: answer for factor, answer in answers.items()},
            "preferences": preferences if preferences is not None else {},
            "preference_names": {},
            "engine_version": result.engine_version,
            "parameters": DEFAULT_PARAMETERS.to_dict(),
            "result": result.to_dict(),
            "vendors": list(vendors),
            "guidance": guidance if guidance is not None else {},
            "verdict": result.verdict.value,
            "kpo_score": result.kpo_score,
            **fields,
        }
    )


def admin_form_data(client, url):
    """An admin change form's fields as the browser would post them unchanged."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = str(value)
    return data

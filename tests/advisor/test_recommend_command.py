import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from advisor.models import Recommendation
from outsourcing.models import ExchangeRate

EXPERT = '{"task_complexity": 5, "skill_scarcity": 5, "decision_authority": 5}'


def recommend(*args):
    out = io.StringIO()
    call_command("recommend", "--task", "Customer research", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_the_documented_json(two_services_two_vendors):
    output = recommend("--answers", EXPERT)
    assert output["verdict"] == "kpo"
    assert output["kpo_score"] == 100
    assert {"confidence", "engine_version", "counterfactuals"} <= output.keys()
    for item in output["factors"]:
        assert {"key", "answer", "weight", "contribution", "reason"} <= item.keys()
    assert [(s["slug"], s["name"]) for s in output["services"]] == [
        ("market-research", "Market research")
    ]
    assert output["vendors"][0]["slug"] == "krakow-insight"
    assert isinstance(output["vendors"][0]["fit"], int)
    assert "share_url" not in output
    assert not Recommendation.objects.exists()


def test_save_stores_it_and_adds_the_share_url(two_services_two_vendors):
    output = recommend("--answers", EXPERT, "--save")
    recommendation = Recommendation.objects.get()
    assert output["share_url"] == f"http://127.0.0.1:8000/r/{recommendation.token}/"
    assert recommendation.result["verdict"] == output["verdict"]


def test_reads_a_file(two_services_two_vendors, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(EXPERT)
    assert recommend("--answers-file", str(path))["verdict"] == "kpo"


def test_reads_standard_input(two_services_two_vendors, monkeypatch):
    monkeypatch.setattr(
        sys,
        "stdin",
        io.StringIO('{"task_complexity": 1, "skill_scarcity": 1, "decision_authority": 1}'),
    )
    assert recommend("--answers-file", "-")["verdict"] == "bpo"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("{not json", "The answers are not valid JSON"),
        ("[1, 2]", "The answers must be a JSON object"),
        ('{"task_complexity": 5, "skill_scarcity": 5}', "Decision authority is required"),
        ('{"task_complexity": 5, "skill_scarcity": 5, "decision_authority": 5, "x": 1}', "x"),
        ('{"task_complexity": 6, "skill_scarcity": 5, "decision_authority": 5}', "not 6"),
        ('{"task_complexity": 0, "skill_scarcity": 5, "decision_authority": 5}', "not 0"),
    ],
)
def test_invalid_input_is_refused_and_saves_nothing(two_services_two_vendors, answers, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "recommend",
            "--task",
            "Customer research",
            "--answers",
            answers,
            "--save",
            stdout=io.StringIO(),
        )
    assert not Recommendation.objects.exists()


def test_missing_file_is_refused(two_services_two_vendors, tmp_path):
    with pytest.raises(CommandError, match="Cannot read the answers file"):
        call_command(
            "recommend",
            "--task",
            "Customer research",
            "--answers-file",
            str(tmp_path / "nope.json"),
        )


def test_invalid_input_exits_non_zero_with_one_line_on_stderr(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "recommend",
            "--task",
            "Research",
            "--answers",
            '{"task_complexity": 9}',
        ],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PATH": ""},
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Task complexity must be between 1 and 5, not 9." in result.stderr


def test_takes_the_work_s_hours_data_currency_and_certifications(two_services_two_vendors):
    ExchangeRate.objects.create(
        currency="EUR", name="Euro", per_usd="0.92", source="ECB", as_of="2026-01-02"
    )
    preferences = {
        "hours_per_week": 120,
        "data_sensitivity": ["payment_cards"],
        "currency": "EUR",
        "require_certifications": False,
        "buyer_country": "US",
    }
    output = recommend(
        "--answers",
        EXPERT,
        "--preferences",
        json.dumps(preferences),
        "--services",
        "market-research",
        "--save",
    )
    saved = Recommendation.objects.get()
    for key, value in preferences.items():
        assert saved.preferences[key] == value
    required = output["certifications_required"]
    assert "pci-dss" in [item["code"] for item in required]
    assert all({"code", "name", "why"} <= item.keys() for item in required)
    assert output["cost"] == saved.guidance["cost"]
    assert {"risks", "kpis", "checklist"} <= output.keys()


def test_prints_cost_and_certifications_required_even_when_empty(two_services_two_vendors):
    output = recommend("--answers", EXPERT)
    assert "cost" in output
    assert output["certifications_required"] == []


@pytest.mark.parametrize(
    ("preferences", "message"),
    [
        ({"hours_per_week": 0}, "hours_per_week must be a whole number from 1 to 2,000"),
        ({"hours_per_week": 2001}, "hours_per_week must be a whole number from 1 to 2,000"),
        ({"hours_per_week": "40"}, "hours_per_week must be a whole number from 1 to 2,000"),
        ({"data_sensitivity": ["gossip"]}, "data_sensitivity takes personal, payment_cards"),
        ({"data_sensitivity": "personal"}, "“data_sensitivity” must be a list"),
        ({"currency": "XYZ"}, "“XYZ” is not a currency we keep a rate for"),
        ({"currency": 978}, "“currency” must be a string"),
        ({"require_certifications": "no"}, "“require_certifications” must be true or false"),
    ],
)
def test_bad_new_preferences_are_refused_and_save_nothing(
    two_services_two_vendors, preferences, message
):
    with pytest.raises(CommandError, match=message):
        recommend("--answers", EXPERT, "--preferences", json.dumps(preferences), "--save")
    assert not Recommendation.objects.exists()


def test_a_bad_currency_exits_1_with_one_line_on_stderr(tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    environment = {"DATABASE_URL": database, "PATH": ""}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        check=True,
        cwd=settings.BASE_DIR,
        env=environment,
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "recommend",
            "--task",
            "Research",
            "--answers",
            EXPERT,
            "--preferences",
            '{"currency": "XYZ"}',
            "--save",
        ],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=environment,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "“XYZ” is not a currency we keep a rate for (USD)." in result.stderr
    count = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            "from advisor.models import Recommendation; print(Recommendation.objects.count())",
        ],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=environment,
    )
    assert count.stdout.strip() == "0"

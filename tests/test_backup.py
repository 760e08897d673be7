"""`manage.py backup PATH`: a consistent copy taken while the app writes, that restores."""

import json
import os
import shutil
import subprocess
import threading
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from advisor.engine import Factor, Task
from advisor.models import Recommendation
from advisor.services import recommendation_create
from outsourcing.models import Vendor
from tests.factories import ServiceFactory, VendorFactory
from tests.helpers import run_python

EXPERT = {Factor.TASK_COMPLEXITY: 5, Factor.SKILL_SCARCITY: 5, Factor.DECISION_AUTHORITY: 4}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rows(transactional_db):
    research = ServiceFactory(name="Market research", slug="market-research", kpo=True)
    VendorFactory(name="Krakow Insight", slug="krakow-insight", services=[research])
    for _ in range(3):
        recommendation_create(
            task=Task("Customer research"),
            answers=EXPERT,
            preferences={},
            submission_id=uuid.uuid4(),
        )
    return {
        "tokens": set(Recommendation.objects.values_list("token", flat=True)),
        "vendors": set(Vendor.objects.values_list("slug", flat=True)),
    }


def restored_rows(url):
    code = (
        "import django, json; django.setup()\n"
        "from advisor.models import Recommendation\n"
        "from outsourcing.models import Vendor\n"
        "print(json.dumps({'tokens': sorted(Recommendation.objects.values_list('token', "
        "flat=True)), 'vendors': sorted(Vendor.objects.values_list('slug', flat=True)), "
        "'complete': all(r.result and r.services is not None for r in "
        "Recommendation.objects.all())}))"
    )
    result = run_python(code, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite online backup")
def test_a_sqlite_backup_taken_while_writing_restores_the_same_rows(rows, tmp_path):
    stop = threading.Event()

    def keep_writing():
        while not stop.is_set():
            recommendation_create(
                task=Task("Customer research"),
                answers=EXPERT,
                preferences={},
                submission_id=uuid.uuid4(),
            )
        connection.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        copy = tmp_path / "copy.sqlite3"
        call_command("backup", str(copy))
    finally:
        stop.set()
        writer.join()

    restored = restored_rows(f"sqlite:///{copy}")
    live = set(Recommendation.objects.values_list("token", flat=True))
    assert rows["tokens"] <= set(restored["tokens"]) <= live
    assert set(restored["vendors"]) == rows["vendors"]
    assert restored["complete"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite online backup")
def test_a_backup_never_overwrites_a_file_unless_asked(rows, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    copy.write_text("keep me")
    with pytest.raises(CommandError, match="already exists; pass --force"):
        call_command("backup", str(copy))
    assert copy.read_text() == "keep me"
    call_command("backup", str(copy), "--force")
    assert set(restored_rows(f"sqlite:///{copy}")["tokens"]) == rows["tokens"]


def test_a_backup_into_a_missing_folder_says_so(rows, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "copy"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore")
@pytest.mark.skipif(not shutil.which("pg_restore"), reason="needs the PostgreSQL client")
def test_a_postgresql_backup_restores_the_same_rows(rows, tmp_path):
    dump = tmp_path / "copy.dump"
    call_command("backup", str(dump))
    db = connection.settings_dict
    scratch = f"secure_restore_{os.getpid()}"
    options = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    options += ["--username", db["USER"] or "postgres"]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    subprocess.run(["dropdb", "--if-exists", *options, scratch], check=True, env=env)
    subprocess.run(["createdb", *options, scratch], check=True, env=env)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", *options, "--dbname", scratch, str(dump)],
            check=True,
            env=env,
            capture_output=True,
        )
        user = db["USER"] or "postgres"
        host = db["HOST"] or "127.0.0.1"
        restored = restored_rows(f"postgres://{user}@{host}:{db['PORT'] or 5432}/{scratch}")
    finally:
        subprocess.run(["dropdb", "--if-exists", *options, scratch], env=env)
    assert set(restored["tokens"]) == rows["tokens"]
    assert set(restored["vendors"]) == rows["vendors"]

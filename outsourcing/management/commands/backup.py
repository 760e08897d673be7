"""python manage.py backup PATH: a consistent copy of the database, taken while it serves.

SQLite: the online backup API copies every page inside one read transaction, so the
copy is the database as it was at one instant, even with writers busy (WAL lets
them carry on). The copy is checked with `PRAGMA integrity_check` before the command
reports success. Restore by stopping the app and putting the copy in place of the
database file (see docs/reliability.md).

PostgreSQL: the command runs `pg_dump --format=custom`, which also reads one
consistent snapshot; restore with `pg_restore --clean --if-exists --dbname ...`.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = "Write a consistent copy of the database to PATH while the app keeps serving."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the copy; an existing file is kept.")
        parser.add_argument("--database", default="default", help="Which database to copy.")
        parser.add_argument(
            "--force", action="store_true", help="Replace PATH if it already exists."
        )

    def handle(self, *args, path, database, force, **options):
        target = Path(path)
        if target.exists() and not force:
            raise CommandError(f"{target} already exists; pass --force to replace it.")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        settings = connections[database].settings_dict
        vendor = connections[database].vendor
        if vendor == "sqlite":
            tables = self._sqlite(Path(settings["NAME"]), target)
        elif vendor == "postgresql":
            tables = self._postgresql(settings, target)
        else:
            raise CommandError(f"Backups of {vendor} databases are not supported.")
        self.stdout.write(f"Backed up {tables} tables to {target}.")

    def _sqlite(self, source_path: Path, target: Path) -> int:
        if not source_path.is_file():
            raise CommandError(f"There is no SQLite database at {source_path}.")
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        source = sqlite3.connect(source_path, timeout=20)
        copy = sqlite3.connect(partial)
        try:
            # One step (pages=-1): a single read transaction, so one consistent instant.
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
            [(verdict,)] = copy.execute("PRAGMA integrity_check").fetchall()
            tables = copy.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        finally:
            copy.close()
            source.close()
        if verdict != "ok":
            partial.unlink(missing_ok=True)
            raise CommandError(f"The copy failed its integrity check: {verdict}")
        partial.replace(target)
        return tables

    def _postgresql(self, settings: dict, target: Path) -> int:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise CommandError(
                "pg_dump is not installed; install the PostgreSQL client tools, or run "
                "pg_dump --format=custom --file PATH DBNAME where they are."
            )
        env = {**os.environ}
        if settings.get("PASSWORD"):
            env["PGPASSWORD"] = settings["PASSWORD"]
        command = [pg_dump, "--format=custom", "--no-owner", f"--file={target}"]
        for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
            if settings.get(key):
                command.append(f"{option}={settings[key]}")
        command.append(settings["NAME"])
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        listing = subprocess.run(
            [shutil.which("pg_restore") or "pg_restore", "--list", str(target)],
            capture_output=True,
            text=True,
        )
        return sum(" TABLE DATA " in line for line in listing.stdout.splitlines())

from django.conf import settings

from tests.helpers import run_python


def test_secret_key_is_required_when_debug_is_off():
    result = run_python("import django; django.setup()", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_settings_load_when_debug_is_off_and_a_key_is_given():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_nothing_rendered_is_kept_under_debug_and_pages_are_kept_without_it():
    show = "import django; django.setup(); from django.conf import settings; "
    show += "print(settings.CACHES['rendered']['BACKEND'])"
    debug = run_python(show, DJANGO_DEBUG="1")
    production = run_python(show, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50)
    assert debug.stdout.strip() == "django.core.cache.backends.dummy.DummyCache"
    assert production.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"


def test_sqlite_file_writes_ahead_and_takes_the_write_lock_up_front(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    print(cursor.execute('PRAGMA journal_mode').fetchone()[0])\n"
        "    print(cursor.execute('PRAGMA busy_timeout').fetchone()[0])\n"
        "print(connection.transaction_mode)\n"
    )
    result = run_python(code, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]


def test_postgresql_binds_on_the_server_and_prepares_unless_told_not_to():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "options = settings.DATABASES['default']['OPTIONS']\n"
        "print(options['server_side_binding'], options['prepare_threshold'], options['sslmode'])\n"
    )
    url = "postgres://app@db-host:5432/outsourcing?sslmode=require"
    result = run_python(code, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "5", "require"]
    result = run_python(code, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0")
    assert result.stdout.split() == ["True", "None", "require"]


def test_only_postgresql_gets_its_binding_options():
    # Settings only: no MySQL driver is installed to set the app up with.
    code = "from django.conf import settings\nprint(settings.DATABASES['default'])\n"
    result = run_python(code, DATABASE_URL="mysql://app@db-host:3306/outsourcing")
    assert result.returncode == 0, result.stderr
    assert "server_side_binding" not in result.stdout


def test_workers_without_redis_share_one_catalog_version(tmp_path):
    """`make serve` starts several workers with no REDIS_URL: an edit bumped in one of
    them must reach the others at once, so they share a cache on disk."""
    bump = (
        "import django; django.setup()\n"
        "from outsourcing.catalog_version import bump_catalog_version, catalog_version\n"
        "bump_catalog_version(); print(catalog_version())"
    )
    read = (
        "import django; django.setup()\n"
        "from outsourcing.catalog_version import catalog_version; print(catalog_version())"
    )
    bumped = run_python(bump, DJANGO_CACHE_DIR=str(tmp_path))
    seen = run_python(read, DJANGO_CACHE_DIR=str(tmp_path))
    assert bumped.returncode == seen.returncode == 0, bumped.stderr + seen.stderr
    assert seen.stdout == bumped.stdout
    assert len(bumped.stdout.strip()) == 32


def test_a_probe_of_another_database_never_files_into_this_checkouts_cache():
    """A probe migrates an empty database; under a shared folder it filed an empty
    catalog under the version this checkout's server reads."""
    show = "import django; django.setup(); from django.conf import settings; "
    show += "print(settings.CACHES['default']['LOCATION'])"
    location = run_python(show).stdout.strip()
    assert location
    assert location != str(settings.BASE_DIR / "var" / "cache")

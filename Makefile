# The two set-up commands in README.md are `make run` and `make test`; each creates
# the virtual environment and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint format superuser soak serve bench bench-scale

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is needed; try: make PYTHON=python3.12 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable . --group dev
	@touch $@

install: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_catalog --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Branch coverage of both apps: a floor for the whole (96% measured, November 2026),
# and every line and branch of the engine.
test: $(INSTALLED)
	$(BIN)/python -m pytest --cov=outsourcing --cov=advisor --cov-branch \
		--cov-report=term:skip-covered --cov-fail-under=95
	$(BIN)/coverage report --include='advisor/engine/*' --show-missing --fail-under=100

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

superuser: $(INSTALLED)
	$(BIN)/python manage.py createsuperuser

# 64 simulated buyers for 60 s against gunicorn with production settings, a worker
# killed and a backup taken mid-load; see docs/reliability.md. SQLite by default;
# SOAK_ARGS="--database-url postgres://..." for PostgreSQL.
soak: $(INSTALLED)
	$(BIN)/python -m pip install --quiet --group soak
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

# Production settings under gunicorn with whitenoise (README "Production"); needs
# DJANGO_DEBUG=0, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS in the environment.
serve: $(INSTALLED)
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_catalog --if-empty
	$(BIN)/gunicorn -c gunicorn.conf.py

# Every page against a bare "hello" view under gunicorn; see docs/performance.md.
bench: $(INSTALLED)
	$(BIN)/python bench/bench.py

# 300,000 vendors on PostgreSQL: a recommendation, a directory page, a worker's memory
# and the first request after an edit against their targets; see docs/performance.md.
# BENCH_SCALE_URL picks the database (dropped and refilled); SCALE_ARGS=--reuse keeps it.
bench-scale: $(INSTALLED)
	$(BIN)/python bench/scale.py $(SCALE_ARGS)

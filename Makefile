# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.PHONY: run test install migrate demo lint typecheck check worker bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo_data

## make run: set everything up and serve on http://127.0.0.1:8000 (SQLite, tasks in-process)
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ — sign in with a demo user above."
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite, browser journeys included (PYTEST_ARGS for more options)
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## make typecheck: mypy (with django-stubs) over the services, the rules and core
typecheck: install
	DEBUG=1 $(VENV)/bin/mypy

check: install
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

## make bench: the benchmark harness on PostgreSQL (BENCH_DATABASE_URL; CASES=200000 by
## default; QUICK=1 for a small run). Writes bench/results.json.
bench: install
	$(PY) -m bench.run $(if $(QUICK),--quick) $(if $(CASES),--cases $(CASES))

## make worker: a Celery worker with beat (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)
worker: install
	$(VENV)/bin/celery -A config worker -B --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# The two commands README promises: `make run` (fresh clone → demo site) and `make test` (fresh clone → all checks).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check pytest

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

run: export DJANGO_DEBUG = 1
run: $(VENV)/.runtime-installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata htx
	$(PY) manage.py demo_accounts
	$(PY) manage.py runserver $(HOST):$(PORT)

# Checks run with DEBUG off, as production does; this key exists only for them.
check pytest: export DJANGO_SECRET_KEY ?= tests-only-not-a-secret
test: $(VENV)/.dev-installed lint check pytest

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(VENV)/.dev-installed
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

# The whole suite on SQLite (the default), then again on PostgreSQL (pytest-django creates and drops test_newsroom).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/newsroom
pytest: $(VENV)/.dev-installed
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	status=0; $(PY) scripts/require_service.py PostgreSQL $(POSTGRES_URL) || status=$$?; \
	if [ $$status = 0 ]; then DATABASE_URL=$(POSTGRES_URL) $(VENV)/bin/pytest $(PYTEST_ARGS); \
	elif [ $$status != 2 ]; then exit $$status; fi

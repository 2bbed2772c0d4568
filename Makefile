# The two commands README promises: `make run` (fresh clone → demo site) and `make test` (fresh clone → all checks).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve serve-edge serve-edge-stop test lint check pytest

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
	$(PY) manage.py load_demo
	$(PY) manage.py demo_accounts
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production-like: DEBUG off, static files collected (hashed, compressed) and served by WhiteNoise, gunicorn as
# newsroom/gunicorn.conf.py says (WEB_CONCURRENCY processes, default 2, of 8 threads; NEWSROOM_ACCESS_LOG=1 for the
# access log). Needs DJANGO_SECRET_KEY. HTTP is redirected to HTTPS unless DJANGO_HTTPS=0 (plain-HTTP trials on this
# machine). Every variable: .env.example and docs/DEPLOYMENT.md.
serve: export DJANGO_DEBUG = 0
serve: $(VENV)/.runtime-installed
	@if [ -z "$${DJANGO_SECRET_KEY:-}" ]; then \
		echo "*** make serve needs DJANGO_SECRET_KEY (50+ random characters; see .env.example), for example:" >&2; \
		echo '    export DJANGO_SECRET_KEY="$$(python3 -c "import secrets; print(secrets.token_urlsafe(50))")"' >&2; \
		exit 1; \
	fi
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --noinput
	exec $(VENV)/bin/gunicorn -c newsroom/gunicorn.conf.py newsroom.wsgi --bind $(HOST):$(PORT)

# The edge on this machine (docs/DEPLOYMENT.md, "Varnish in front"): Varnish on EDGE_PORT in front of two gunicorn
# instances on EDGE_APP_PORTS, both on this machine's PostgreSQL (database newsroom_edge, made when missing, with the
# demo articles) and Redis (EDGE_REDIS_URL). Production-like (DEBUG off, collectstatic); plain HTTP on 127.0.0.1.
# Returns once everything answers; `make serve-edge-stop` stops every process it started, each by its PID.
EDGE_PORT ?= 8100
EDGE_APP_PORTS ?= 8101 8102
EDGE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsroom_edge
EDGE_REDIS_URL ?= redis://127.0.0.1:6379/3
serve-edge: $(VENV)/.runtime-installed edge-deps
	$(PY) scripts/serve_edge.py start --port $(EDGE_PORT) --app-ports $(EDGE_APP_PORTS) \
		--database-url $(EDGE_DATABASE_URL) --redis-url $(EDGE_REDIS_URL)

serve-edge-stop: $(VENV)/.runtime-installed
	$(PY) scripts/serve_edge.py stop

# What the edge tests (tests/edge/) and serve-edge need: Debian's Varnish and its modules (vmod_xkey).
.PHONY: edge-deps
edge-deps:
	bash -c 'source scripts/debian.sh && need varnishd varnish && need_package varnish-modules'

# Checks run with DEBUG off, as production does; this key exists only for them.
check pytest: export DJANGO_SECRET_KEY ?= tests-only-not-a-secret
test: $(VENV)/.dev-installed lint check pytest

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(VENV)/.dev-installed
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

# $(call with-service,NAME,URL,COMMAND): run COMMAND when the service answers at URL. When it does not,
# scripts/require_service.py says so and fails (always in CI), or skips with NEWSROOM_SKIP_SERVICES=1.
with-service = status=0; $(PY) scripts/require_service.py $(1) $(2) || status=$$?; \
	if [ $$status = 0 ]; then $(3); elif [ $$status != 2 ]; then exit $$status; fi

# The whole suite on SQLite (the default), then again on PostgreSQL (pytest-django creates and drops test_newsroom),
# then the cache tests (tests/test_*cache*.py, and most read and the front page, which keep views there) with the cache
# in Redis (each test only touches keys of its own).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/newsroom
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# The browser tests (tests/browser/) test the UI, so they run in the SQLite pass only; so do the edge tests
# (tests/edge/), which start Varnish and app instances on a database of their own.
pytest: $(VENV)/.dev-installed browser-deps edge-deps
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	$(call with-service,PostgreSQL,$(POSTGRES_URL),DATABASE_URL=$(POSTGRES_URL) $(VENV)/bin/pytest \
		-m "not browser and not edge" $(PYTEST_ARGS))
	$(call with-service,Redis,$(REDIS_TEST_URL),REDIS_URL=$(REDIS_TEST_URL) $(VENV)/bin/pytest $(PYTEST_ARGS) \
		$(wildcard tests/test_*cache*.py) tests/test_most_read.py tests/test_front_page.py)

# What the browser tests need besides Python packages: Debian's Chromium (apt) and axe-core (npm ci); never a
# downloaded browser. Installs only what is missing.
.PHONY: browser-deps
browser-deps:
	bash scripts/ensure_browser.sh

# The page benchmark (docs/PERFORMANCE.md): 100,000 articles in SQLite and PostgreSQL, our pages and the API under gunicorn against
# the Wagtail peer and the static ceilings of bench/; about 40 minutes. Installs Debian's wrk and nginx if missing, and
# the peer's pinned packages from PyPI into its own venv (/tmp/nr_bench_peer); needs PostgreSQL and Redis running.
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--db sqlite --rounds 1".
.PHONY: bench bench-deps
bench: $(VENV)/.runtime-installed bench-deps
	$(PY) scripts/bench_pages.py $(BENCH_ARGS)

bench-deps:
	bash -c 'source scripts/debian.sh && need wrk wrk && need nginx nginx'

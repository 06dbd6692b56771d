# Kinfolk. `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Development and demo: SQLite, django-q2's ORM broker, mail kept in the development outbox.
DEV_ENV := DEBUG=1 KINFOLK_DEMO=1 KINFOLK_ENFORCE_MFA=$${KINFOLK_ENFORCE_MFA:-0} KINFOLK_SITE_URL=http://127.0.0.1:$(PORT)
PYTEST_ARGS ?= -n auto

.PHONY: run test lint install assets migrate demo check-deploy clean help screenshots mutate bench-load prodstack

help:
	@echo "make run    install everything, migrate, load demo data, serve on http://127.0.0.1:$(PORT) with a job worker"
	@echo "make test   run the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint   ruff (lint and format check), mypy, import-linter (the app layering) and bandit"
	@echo "make prodstack  run the production stack (PostgreSQL, Redis, 2 gunicorn, 2 django-q2 clusters, SMTP) and check every email"
	@echo "make mutate mutation testing of the permission, middleware, upload and minutes modules (docs/testing.md)"
	@echo "make bench-load  the load benchmark: demo borough and a county under gunicorn (docs/performance.md)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

assets: node_modules/.installed
	npm run --silent build

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0

# Schedules first, so the demo logins are the last thing printed before the address.
demo: migrate
	$(DEV_ENV) $(PY) manage.py setup_schedules
	$(DEV_ENV) $(PY) manage.py demo

run: install assets demo
	@echo
	@echo "Kinfolk is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@echo
	@trap 'kill 0' INT TERM; \
	$(DEV_ENV) $(PY) manage.py qcluster & \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT) & \
	wait

test: install assets
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Rewrites the user guide's pictures from the browser tests.
screenshots: install assets
	KINFOLK_UPDATE_SCREENSHOTS=1 $(VENV)/bin/pytest -m browser -p no:randomly

# Mutation testing: which small changes to the rules would the tests notice? (docs/testing.md)
# `make mutate MODULES=supervision/permissions.py` for one module, JOBS=2 for two mutants at a time.
MODULES ?=
JOBS ?= 1
mutate: install
	$(PY) -m bench.mutate $(MODULES) --jobs $(JOBS)

# Needs PostgreSQL and Redis on this machine (BENCH_DATABASE_URL, BENCH_REDIS_URL to point elsewhere);
# `make bench-load BENCH_ARGS="--scale 0.1 --quick"` for a short run.
bench-load: install
	$(PY) bench/load.py $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/bandit -q -c pyproject.toml -r config core outbox accounts families diary volunteers fgc supervision

# `manage.py check --deploy` under production settings (DEBUG off, real-looking secrets).
check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  ALLOWED_HOSTS=kinfolk.example.gov.uk KINFOLK_ORGANISER_EMAIL=kinfolk-diary@example.gov.uk \
	  KINFOLK_CLAMD_SOCKET=/run/clamav/clamd.ctl \
	  $(PY) manage.py check --deploy --fail-level WARNING

# The production stack, run (docs/deploy.md, "The production-stack check"): two gunicorns,
# two django-q2 clusters on Redis and an SMTP server; GCS sessions diarised, moved and
# cancelled through the pages, one cluster SIGKILLed midway, every email checked at the
# SMTP server. Needs PostgreSQL and Redis on 127.0.0.1; 4-5 minutes. Uses its own
# database and Redis number (PRODSTACK_DATABASE_URL, default .../kinfolk_prodstack, dropped
# and re-created; PRODSTACK_REDIS_URL, default redis://127.0.0.1:6379/15, flushed).
prodstack: install
	$(PY) -m bench.prodstack

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles db.sqlite3*

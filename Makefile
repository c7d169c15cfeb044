# Tierline — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Two pytest-xdist workers: each gets its own PostgreSQL and Redis database.
PYTEST_ARGS ?= -n 2 --dist loadgroup
TEST_PGDATA := .tierline/postgres-test

# The newest Python >= 3.12 on this machine (pyenv versions included); override with PYTHON=.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV) python3 python; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: help run dev test lint bench venv check-python services-check db-stop clean lock

help:
	@echo "make run    set up .venv, start PostgreSQL (embedded unless DATABASE_URL), migrate, seed the demo,"
	@echo "            serve as production does (gunicorn, DEBUG off) with worker + beat on http://$(HOST):$(PORT)"
	@echo "make dev    the same with Django's auto-reloading debug server (DEBUG on)"
	@echo "make test   run ruff and the whole test suite (embedded PostgreSQL unless TEST_DATABASE_URL; Redis)"
	@echo "make bench  load a million items (kept for the next run), serve them as make run does, print the"
	@echo "            benchmark table (BENCH_IDEAS=20000 for a quick run)"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Tierline needs Python 3.12 or newer (Django 6). None was found on PATH or under pyenv."; \
		echo "Install one (e.g. 'pyenv install 3.13') or run: make run PYTHON=/path/to/python3.12"; \
		exit 1; fi

$(BIN)/.installed: pyproject.toml requirements.lock requirements-dev.lock | check-python
	@test -x $(BIN)/python || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "Installing Python packages into $(VENV)"
	@$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@touch $@

venv: $(BIN)/.installed

# The browser tests' accessibility check (axe-core) comes from npm; only the tests need it.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "The tests need npm (Node.js) for axe-core: install nodejs and npm."; exit 1; }
	@echo "Installing the test tools from npm (axe-core)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: venv
	@HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m config.serve

dev: venv
	@HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m config.serve --dev

services-check: venv
	@$(BIN)/python scripts/check_services.py

lint: venv
	$(BIN)/ruff check .

# The embedded test server (when TEST_DATABASE_URL is unset) starts on first use and is stopped
# at the end, pass or fail.
test: venv node_modules/.installed services-check lint
	@DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	$(BIN)/python -m config.localdb stop $(TEST_PGDATA) >/dev/null; exit $$status

# `make bench BENCH_IDEAS=20000` for a quick run; BENCH_ARGS=--areas for the in-process
# benchmarks of each area (scratch test database). The bench's own embedded server
# (.tierline/postgres-bench-<ideas>-<teams>) stops with the run; its data is kept for the next.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15
bench: venv
	@BENCH_REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python scripts/bench.py $(BENCH_ARGS); status=$$?; \
	$(BIN)/python -m config.localdb stop $(TEST_PGDATA) >/dev/null; exit $$status

db-stop: venv
	@$(BIN)/python -m config.localdb stop
	@$(BIN)/python -m config.localdb stop $(TEST_PGDATA)

lock: venv
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles .tierline

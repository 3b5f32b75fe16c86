# Quick start: `make run` serves the demo on http://127.0.0.1:5000 (`make run PORT=8000`: another); `make test` runs the tests.
# While developing: `make check` (lint, types and the fast tests on SQLite, under 3 minutes).
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run lint check test bench verify clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

# `make run PORT=8000` serves on another port; the demo's printed links use it too. The
# background worker (reports) runs beside the server and stops when the server stops.
run: install
	$(BIN)/delphi init
	DELPHI_BASE_URL=$${DELPHI_BASE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/delphi demo --if-empty
	$(BIN)/delphi worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
		$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

# Lint, format and type checks over delphi/ (settings in pyproject.toml); any finding fails.
lint: install
	$(BIN)/ruff check delphi
	$(BIN)/ruff format --check delphi
	$(BIN)/mypy

# The inner loop: the checks, then the tests not marked slow (no browser, gunicorn, installed
# command or long property runs), on SQLite only: -k leaves out the PostgreSQL variants. They
# run in CHECK_WORKERS processes, a test file whole in each.
CHECK_WORKERS ?= 2
check: lint
	$(BIN)/pytest -n $(CHECK_WORKERS) --dist loadfile -m "not slow" -k "not postgresql"

# What CI runs (.ci/run): the checks, then every test, on SQLite and, when
# DELPHI_TEST_DATABASE_URL names a database, PostgreSQL. The tests run in TEST_WORKERS processes
# (pytest-xdist), each test file whole in one process, each process with its own PostgreSQL
# database (<name>_gw0, ...), folders and ports; much of the time is spent waiting on browsers,
# gunicorn and subprocesses, so four suit two cores. Then the tests marked `alone` (they stop
# PostgreSQL) run by themselves.
TEST_WORKERS ?= 4
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not alone"
	$(BIN)/pytest -m alone

bench: install
	$(BIN)/python bench/run.py

# The reliability and security suites, and the tests of the cases a security review tried,
# with the full load (200 panellists, 60 ratings each) and
# more generated files; writes docs/reliability.md from the run (and fails if a test failed). PostgreSQL is included when
# DELPHI_TEST_DATABASE_URL names a database (as .ci/run sets it).
VERIFY_RESULTS := instance/verify
verify: install
	rm -rf $(VERIFY_RESULTS) && mkdir -p $(VERIFY_RESULTS)
	$(BIN)/python -m tests.system.reliability.report --commit > $(VERIFY_RESULTS)/commit.txt
	-DELPHI_HEAVY=1 DELPHI_VERIFY_RESULTS=$(VERIFY_RESULTS) $(BIN)/pytest tests/system/reliability \
		tests/system/security $$($(BIN)/python -m tests.system.reliability.report --modules) \
		-p no:cacheprovider -s --junitxml=$(VERIFY_RESULTS)/junit.xml
	DELPHI_HEAVY=1 $(BIN)/python -m tests.system.reliability.report $(VERIFY_RESULTS) docs/reliability.md

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache

# punchclock: `make run` starts a local server, `make test` runs the linters (ruff, mypy, import-linter) and the whole test suite.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080

CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint bench chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# SQLite file ./punchclock.db unless PUNCHCLOCK_DATABASE_URL says otherwise; migrations run on start.
run: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/punchclock serve --host $(HOST) --port $(PORT)

# The web app's browser tests drive Debian's chromium: installed here when missing (root, as on CI).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing chromium for the web app's browser tests" >&2; \
	  (DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || { echo "Could not install chromium: run 'sudo apt-get install -y chromium', then make test again" >&2; exit 1; }; \
	fi

test: $(BIN)/python chromium
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/ruff check src tests bench examples
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest --durations=30

lint: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/ruff check src tests bench examples
	$(BIN)/mypy
	$(BIN)/lint-imports

# API throughput against a bare ASGI app on the same uvicorn stack; appends to bench/results/api.md.
bench: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python bench/api.py

# punchclock: `make run` starts a local server, `make test` runs the linters (ruff, mypy, import-linter) and the whole test suite.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test lint bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# SQLite file ./punchclock.db unless PUNCHCLOCK_DATABASE_URL says otherwise; migrations run on start.
run: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/punchclock serve --host $(HOST) --port $(PORT)

test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/ruff check src tests bench examples
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/ruff check src tests bench examples
	$(BIN)/mypy
	$(BIN)/lint-imports

# API throughput against a bare ASGI app on the same uvicorn stack; appends to bench/results/api.md.
bench: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python bench/api.py

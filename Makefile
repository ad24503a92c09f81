# tinhieu — the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= demo-workspace/tinhieu.duckdb

.PHONY: demo test lint format install bench models clean serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Build the demo workspace, run the pipeline and print the summary.
demo: $(STAMP)
	$(BIN)/tinhieu demo --db $(DB)

## Serve the dashboard and API over the demo workspace (http://127.0.0.1:8000).
serve: $(STAMP)
	$(BIN)/tinhieu serve --db $(DB)

## Lint (ruff + mypy) and run the whole test suite.
test: lint
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

## Re-train the shipped language models from ../shared/data (train/dev splits only).
DATA ?= ../shared/data
models: $(STAMP)
	$(BIN)/tinhieu nlp train --data $(DATA) --out src/tinhieu/nlp/models

clean:
	rm -rf $(VENV) demo-workspace .pytest_cache .mypy_cache .ruff_cache

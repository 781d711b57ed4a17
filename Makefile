# Upswing — make targets. `make run` starts the app with demo data; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export UPSWING_HOME ?= $(CURDIR)/var

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/upswing: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/upswing ## create .venv and install Upswing with its development tools

run: $(BIN)/upswing ## set up, load the demo and serve the web app on http://127.0.0.1:8000
	$(BIN)/upswing init
	$(BIN)/upswing demo
	$(BIN)/upswing serve

test: $(BIN)/upswing ## run the test suite on every core (PostgreSQL tests on a throwaway local cluster)
	tools/with-postgres $(BIN)/pytest -n auto --dist worksteal

lint: $(BIN)/upswing ## ruff, formatting, import contracts, Django checks, migrations, bandit, pip-audit
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/bandit -q -c pyproject.toml -r src
	$(BIN)/python tools/audit_deps.py  # says NOT AUDITED when PyPI cannot be asked

bench: $(BIN)/upswing ## benchmarks: import and refresh vs hand-written SQL and pandas
	$(BIN)/python -m bench.run

validate: $(BIN)/upswing ## the diagnosis validation study: writes docs/diagnosis.md and its plot
	$(BIN)/python -m upswing.findings.validate --out docs

clean: ## remove local state (var/) — the demo is rebuilt by `make run`
	rm -rf var

.PHONY: help install run test lint bench clean validate

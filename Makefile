# IKZ-Portfolio — the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test install assets migrate seed serve lint format unit e2e

$(BIN)/ikz: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 is needed (set PYTHON=python3.12 or similar)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/ikz

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

assets: node_modules/.package-lock.json
	npm run --silent build

migrate: install
	$(BIN)/ikz db upgrade

seed: migrate
	$(BIN)/ikz seed --demo-users

run: install assets seed
	@echo "Anmelden unter http://127.0.0.1:8000/login, z. B. als digital.michelstadt oder admin (Passwort: $${IKZ_DEMO_PASSWORD:-demo-passwort})."
	$(BIN)/ikz serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

unit: install assets
	$(BIN)/pytest -q -m "not e2e and not slow" -n 2

e2e: install assets
	$(BIN)/pytest -q -p no:cacheprovider tests/e2e -n 2

# The whole suite: lint, types, SQLite, PostgreSQL (when IKZ_TEST_DATABASE_URL is set), browser,
# axe, HTML validation and API fuzzing, with a summary of what ran (.ci/test_suite.py).
test: install assets
	$(BIN)/python .ci/test_suite.py

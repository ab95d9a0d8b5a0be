# The platform's commands. `make run` serves everything; `make test` checks everything.
# Only Python 3.11+ (and Node 20+ once the SPA lands) are needed: uv is bootstrapped here.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
SERVICES := catalogue
SVC ?= $(SERVICES)
N ?= 100000
SEED ?= 1

.PHONY: seed-large bench-search
.PHONY: help install migrate seed run test test-py lint fmt typecheck check-migrations clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet uv

install: $(UV) ## Install every Python package (one lock for the workspace)
	$(UV) sync --all-packages --frozen

migrate: install ## Migrate every service's database to head
	@for s in $(SVC); do echo "migrating $$s"; (cd services/$$s && $(BIN)/alembic upgrade head) || exit 1; done

seed: migrate ## Load the demo data (idempotent)
	$(BIN)/catalogue seed

seed-large: migrate ## Fill the catalogue with N synthetic courses: make seed-large N=100000 SEED=1
	$(BIN)/catalogue seed-large --count $(N) --seed $(SEED)

bench-search: install ## Course search benchmark (PostgreSQL and SQLite, 100,000 courses)
	$(BIN)/python services/catalogue/bench/bench_search.py

run: seed ## Install, migrate, seed and serve the platform on 127.0.0.1
	$(BIN)/uvicorn catalogue.main:app --host 127.0.0.1 --port 8001 --loop uvloop --http httptools --no-access-log

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install ## mypy --strict over the shared library and every service
	$(BIN)/mypy libs/servicekit/src $(foreach s,$(SERVICES),services/$(s)/src)

test-py: install ## pytest for the shared library and each service (SQLite and PostgreSQL)
	@cd libs/servicekit && $(BIN)/pytest -q -p no:cacheprovider
	@for s in $(SVC); do echo "== $$s"; (cd services/$$s && $(BIN)/pytest -q -p no:cacheprovider) || exit 1; done

test: lint typecheck test-py ## Everything CI checks

revision: install ## New migration: make revision SVC=catalogue m="add x"
	cd services/$(SVC) && $(BIN)/alembic revision --autogenerate -m "$(m)"

clean: ## Remove local databases and caches
	rm -rf data .pytest_cache .mypy_cache .ruff_cache

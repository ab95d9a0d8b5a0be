# The platform's commands. `make run` serves everything; `make test` checks everything.
# Only Python 3.11+ (and Node 20+ once the SPA lands) are needed: uv is bootstrapped here.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
SERVICES := catalogue identity partnerships applications gateway
SVC ?= $(SERVICES)
N ?= 100000
SEED ?= 1

.PHONY: help install migrate seed run test test-py lint fmt typecheck openapi clean \
	frontend-install frontend-check api-client frontend-build e2e \
	seed-large bench-search

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet uv

install: $(UV) ## Install every Python package (one lock for the workspace)
	$(UV) sync --all-packages --frozen

migrate: install ## Migrate every service's database to head
	@for s in $(SVC); do [ -f services/$$s/alembic.ini ] || continue; echo "migrating $$s"; $(BIN)/alembic -c services/$$s/alembic.ini upgrade head || exit 1; done

seed: migrate ## Load the demo data (idempotent)
	$(BIN)/catalogue seed
	$(BIN)/identity seed
	$(BIN)/partnerships seed
	$(BIN)/applications seed

seed-large: migrate ## Fill the catalogue with N synthetic courses: make seed-large N=100000 SEED=1
	$(BIN)/catalogue seed-large --count $(N) --seed $(SEED)

bench-search: install ## Course search benchmark (PostgreSQL and SQLite, 100,000 courses)
	$(BIN)/python services/catalogue/bench/bench_search.py

run: seed frontend-build ## Install, migrate, seed, build the web app and serve it all on 127.0.0.1:8000 (one Ctrl-C stops it)
	$(BIN)/python -m gateway.devrun

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
	@echo "== system (every service as a real process) and deployment files"; $(BIN)/pytest -q -p no:cacheprovider tests/system tests/infra

test: lint typecheck test-py frontend-check ## Everything CI checks (the browser tests are `make e2e`)

openapi: install ## Regenerate each service's committed openapi.json
	@for s in $(SVC); do (cd services/$$s && UPDATE_OPENAPI=1 $(BIN)/pytest -q -p no:cacheprovider tests/test_openapi.py) || exit 1; done

revision: install ## New migration: make revision SVC=catalogue m="add x"
	$(BIN)/alembic -c services/$(SVC)/alembic.ini revision --autogenerate -m "$(m)"

clean: ## Remove local databases and caches
	rm -rf data .pytest_cache .mypy_cache .ruff_cache

# The web app (frontend/): Node 20+. `npm ci` runs again only when package-lock.json changes.
FRONTEND_DEPS := frontend/node_modules/.installed

$(FRONTEND_DEPS): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend-install: $(FRONTEND_DEPS) ## Install the web app's packages (npm ci)

frontend-check: $(FRONTEND_DEPS) ## Web app: tsc --noEmit, vitest, and a check that the API client is current
	cd frontend && npx tsc --noEmit -p tsconfig.json
	cd frontend && npx vitest run
	cd frontend && node scripts/gen-api.mjs --check

api-client: $(FRONTEND_DEPS) ## Regenerate the web app's typed API client from the services' openapi.json
	cd frontend && node scripts/gen-api.mjs

frontend-build: $(FRONTEND_DEPS) ## Build the web app into frontend/dist and report its bundle sizes
	cd frontend && npx vite build
	cd frontend && node scripts/bundle-size.mjs

e2e: install frontend-build ## Browser tests (Chromium at /usr/bin/chromium) against real services
	@test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || { echo "e2e needs Chromium: apt-get install -y chromium"; exit 1; }
	cd frontend && npx vitest run --config vitest.e2e.config.ts

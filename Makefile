# Mentoring Mesh. The README's two commands: `make run` and `make test`.
.DEFAULT_GOAL := help
VENV := .venv/bin
LINT := $(VENV)/ruff check . && $(VENV)/ruff format --check . && $(VENV)/lint-imports && $(VENV)/mypy
DEPLOY_CHECK := $(VENV)/python -m tools.kubernetes check && bash deploy/kubernetes/validate.sh
CONTRACTS_CHECK := $(VENV)/python -m tools.contracts_docs check && \
	cd tools/asyncapi-validate && npm ci --silent --no-audit --no-fund && node validate.mjs ../../contracts/asyncapi.yaml

.PHONY: format help setup setup-test contracts contracts-check deploy-manifests deploy-check bench-matching bench-auth bench-intake bench-round bench-first-round bench-pipeline bench-import chaos fuzz token realm run up demo stop status test test-unit lint bench-outbox bench-delivery bench-suggestions bench-web

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup:  ## install system packages that are missing, and the workspace from uv.lock
	@bash deploy/local/setup.sh

run: setup  ## start Kafka, PostgreSQL, SMTP and the four services; drive a demo journey; leave it running
	@$(VENV)/mesh-local up
	@$(VENV)/mesh-local demo

up: setup  ## start everything without the demo
	@$(VENV)/mesh-local up

demo:  ## drive another demo journey on the running platform
	@$(VENV)/mesh-local demo

stop:  ## stop everything `make run` started
	@$(VENV)/mesh-local down

status:  ## what is running
	@$(VENV)/mesh-local status

test: setup-test  ## static checks, then unit, integration and end-to-end tests on real Kafka, PostgreSQL, SMTP and a browser
	@$(LINT)
	@$(CONTRACTS_CHECK)
	@$(DEPLOY_CHECK)
	@$(VENV)/python -m pytest

test-unit: setup  ## only the pure domain tests (no I/O)
	@$(VENV)/python -m pytest tests/unit

setup-test:  ## setup, plus the browser the tests use
	@bash deploy/local/setup.sh --with-browser

lint: setup  ## static checks (ruff check, ruff format --check, mypy) and architecture contracts (import-linter)
	@$(LINT)

format: setup  ## format the code (ruff format) and sort imports (ruff check --fix, imports only)
	@$(VENV)/ruff check --select I --fix . && $(VENV)/ruff format .

bench-outbox: setup  ## outbox relay throughput against real Kafka and PostgreSQL (prints figures)
	@$(VENV)/python -m benchmarks.outbox_relay 20000

bench-delivery: setup  ## notify's mail delivery at 1, 4 and 8 senders against raw SMTP sends to the same real server (prints figures)
	@$(VENV)/python -m benchmarks.notify_delivery 2000 1 4 8

contracts: setup  ## regenerate the published contract documents (JSON Schemas, AsyncAPI, the README's event table) from the models
	@$(VENV)/python -m tools.contracts_docs generate

contracts-check: setup  ## fail when contract documents (or the README's event table) are stale, invalid AsyncAPI, or break the last release
	@$(CONTRACTS_CHECK)

deploy-manifests: setup  ## regenerate deploy/kubernetes/base from the services' declarations
	@$(VENV)/python -m tools.kubernetes generate

deploy-check: setup-test  ## manifests current; kubeconform (strict) and checkov on the dev and prod overlays
	@$(DEPLOY_CHECK)

chaos: setup  ## 2,100 people's journeys while every service is SIGKILLed (3x) and SIGTERMed, Kafka restarted, PostgreSQL down a minute; prints lost/doubled/dead letters/recovery as JSON
	@MESH_TEST_INFRA=local $(VENV)/python -m tests.chaos.run 1000 100 3 400

FUZZ_EXAMPLES ?= 50
FUZZ_SEEDS ?= 3
fuzz: setup  ## schemathesis over every service's OpenAPI on seeded real ids, stateful too, 50 examples per operation (FUZZ_EXAMPLES=n) and 3 seeds (FUZZ_SEEDS=n), as admin, coordinator, participant and service (prints figures)
	@$(VENV)/python -m tests.fuzz.run $(FUZZ_EXAMPLES) --seeds $(FUZZ_SEEDS)

bench-matching: setup  ## coordinator rounds at 1k-100k people, both modes, against exact references or bounds (prints figures)
	@$(VENV)/python -m benchmarks.matching_rounds

bench-intake: setup  ## one join's cost in matching at pools of 1k, 10k, 100k waiting, against a full recompute (prints figures)
	@$(VENV)/python -m benchmarks.intake 300

bench-suggestions: setup  ## a participant's suggestions at a 10,000-person pool: p50/p99 against the pure-Python ranking in the same run (prints figures)
	@$(VENV)/python -m benchmarks.suggestions 10000 100

bench-round: setup  ## a coordinator round over 100,000 people through the API, to the last proposal on Kafka (prints figures)
	@$(VENV)/python -m benchmarks.round_end_to_end 100000

bench-first-round: setup  ## matching's idle RSS, and its first round and first large join cold (numba cache absent, present) against warm (prints figures)
	@$(VENV)/python -m benchmarks.first_round

bench-pipeline: setup  ## the platform's pipeline on real Kafka and PostgreSQL: joins/s at 1k-100k, latencies, each service against raw aiokafka, RSS, the 100k round (prints figures)
	@$(VENV)/python -m benchmarks.pipeline 1000

bench-import: setup  ## a 100,000-row roster through mesh-roster and profile's bulk endpoint, against raw asyncpg COPY of the same rows (prints figures)
	@$(VENV)/python -m benchmarks.roster_import 100000

bench-web: setup  ## the participants' web app under load on the whole stack: per page server p50/p95 with the services' share apart, and a first visit's bytes; the console over 100,000 participants and a round preview over 10,000 (prints figures)
	@$(VENV)/python -m benchmarks.web 300 8

bench-auth: setup  ## what bearer-token verification adds per request, cached key, p50/p99 (prints figures)
	@$(VENV)/python -m benchmarks.token_verification 5000

realm: setup  ## regenerate deploy/local/keycloak/realm.json (the local IdP's realm) from mesh_local.realm
	@$(VENV)/python -m mesh_local.realm

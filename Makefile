# ZJTX: every target installs what it needs into .venv first (Python 3.11, pip).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)/services

.PHONY: venv web broker up down demo demo-stop screenshots ops dead-letters audit-verify audit-expire replay backup restore subscriber backfill test unit lint protos check-protos check-buf definitions manifests compose-env bench soak clean certs

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 2; }
	@echo "make: installing the pinned packages into $(VENV) (the first time takes a minute or more)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar off --pre -r requirements.txt
	touch $@

venv: $(VENV)/.installed

## The project CA, a TLS certificate and a JWT signing key per principal (zjtx.pki) into PKI_DIR (default var/pki);
## HOSTS="a.example b.example" adds names to every certificate. make up/demo/tests generate a set themselves.
PKI_DIR ?= $(or $(ZJTX_PKI_DIR),var/pki)
certs: venv
	$(PY) -m zjtx.pki generate $(PKI_DIR) $(foreach h,$(HOSTS),--host $(h))

## The web front (web/, Vue 3 + Element Plus + Vite) built into web/dist, which the gateway serves at /.
## `npm ci` from the committed lock file when it changes, `npm run build` when any source changes (stamps).
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) $(wildcard web/index.html web/vite.config.* web/tsconfig*.json)
WEB_STAMPS := var/web

$(WEB_STAMPS)/installed: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "make: npm not found; install Node.js 20 and npm (the front is built with them)"; exit 2; }
	cd web && npm ci --no-audit --no-fund
	@mkdir -p $(WEB_STAMPS) && touch $@

$(WEB_STAMPS)/built: $(WEB_STAMPS)/installed $(WEB_SOURCES)
	cd web && npm run build
	@test -f web/dist/index.html || { echo "make: npm run build left no web/dist/index.html"; exit 2; }
	@mkdir -p $(WEB_STAMPS) && touch $@

web: $(if $(wildcard web/package.json),$(WEB_STAMPS)/built)

## Start everything in the foreground (embedded MongoDB unless MONGO_URI is set); Ctrl-C stops.
## INSTANCE=hengyang-city runs another instance (deploy/instances/, default hunan-province; docs/instances.md);
## REPLICAS=2 starts two copies of each service (copy k on the first's ports + 100*(k-1)).
up: venv web
	$(PY) -m zjtx.up $(if $(INSTANCE),--instance $(INSTANCE)) $(if $(REPLICAS),--replicas $(REPLICAS))

## Stop a set started by `make up` (INSTANCE=... for another instance's).
down: venv
	$(PY) -m zjtx.up --down $(if $(INSTANCE),--instance $(INSTANCE))

## The Hunan 2020 programme end to end; outputs under out/demo/. KEEP=1 leaves the suite running afterwards so a
## person can click through the finished programme in the browser (it prints the URL and the accounts).
demo: venv web broker
	$(PY) -m demo $(if $(KEEP),--keep)

## Stop a demo left running by `make demo KEEP=1`.
demo-stop: venv
	$(PY) -m demo --stop

## docs/screenshots/*.png of each main page, from the running demo (`make demo KEEP=1`), or from one started and
## stopped for the purpose.
screenshots: venv web
	$(PY) -m demo.screenshots

## An application's timeline across services (APP=<id>), or the suite's state; DATA=var/demo/mongo after make demo.
ops: venv
	$(if $(INSTANCE),ZJTX_INSTANCE=$(INSTANCE)) $(PY) -m zjtx.ops $(if $(DATA),--data $(DATA)) $(APP)

## Every dead letter: event id, type, subject, source queue, reason and count, since when (no contents).
dead-letters: venv
	$(if $(INSTANCE),ZJTX_INSTANCE=$(INSTANCE)) $(PY) -m zjtx.ops dead-letters

## Walk every service's hash-chained audit trail; names the first broken entry (SERVICE=review, DATA=var/demo/mongo).
audit-verify: venv
	$(PY) -m zjtx.ops audit-verify $(if $(SERVICE),--service $(SERVICE)) $(if $(DATA),--data $(DATA))

audit-expire: venv
	$(PY) -m zjtx.ops audit-expire $(if $(SERVICE),--service $(SERVICE)) $(if $(DAYS),--days $(DAYS))

## After the fix: QUEUE=<dead-letter queue> EVENT=<event id> (or ALL=1) back to the consumer that failed it.
replay: venv
	@test -n "$(QUEUE)" || { echo "make replay: QUEUE=<dead-letter queue> and EVENT=<event id> or ALL=1 (see make dead-letters)"; exit 2; }
	$(if $(INSTANCE),ZJTX_INSTANCE=$(INSTANCE)) $(PY) -m zjtx.ops replay $(QUEUE) $(if $(ALL),--all,--event $(EVENT))

## An outside system's broker account (SYSTEM=<name>): may declare, bind and read only queues ext.<name>.*, bind them
## to the *.events exchanges, publish nowhere. Prints the AMQP URI with its password once (docs/events.md).
subscriber: venv
	@test -n "$(SYSTEM)" || { echo "make subscriber: SYSTEM=<system name>, e.g. SYSTEM=credit"; exit 2; }
	$(PY) -m zjtx.subscribers create $(SYSTEM)

COMMA := ,
## Every past event of TYPES (comma-separated) from reporting's archive into the system's own queue QUEUE=ext.<SYSTEM>.*
backfill: venv
	@test -n "$(SYSTEM)" -a -n "$(QUEUE)" -a -n "$(TYPES)" || { echo "make backfill: SYSTEM=<system> QUEUE=ext.<system>.<name> TYPES=review.recognised[,...] [SINCE=<ISO time>]"; exit 2; }
	$(PY) -m zjtx.subscribers backfill $(SYSTEM) --queue $(QUEUE) $(foreach t,$(subst $(COMMA), ,$(TYPES)),--type $(t)) $(if $(SINCE),--since $(SINCE))

## Back up an instance's databases (INSTANCE=<name>, OUT=<dir>; default var/backups/<instance>-<time>); docs/operations.md.
backup: venv
	$(PY) -m zjtx.backup backup $(if $(INSTANCE),--instance $(INSTANCE)) $(if $(OUT),--out $(OUT))

## Replace an instance's databases with a backup (FROM=<dir>), the instance's services stopped; docs/operations.md.
restore: venv
	@test -n "$(FROM)" || { echo "make restore: FROM=<backup directory> (see make backup)"; exit 2; }
	$(PY) -m zjtx.backup restore --from $(FROM) $(if $(INSTANCE),--instance $(INSTANCE))

## Every test, against the real RabbitMQ and the embedded MongoDB-protocol server. tests/workflow runs each
## service's use cases in process against the embedded database (no broker, no service process). The session shares one
## suite of services; the fault tests (tests/reliability) start a suite of their own each; the end-to-end
## runs go last because they recognise the Hunan 2020 programme for real.
## The browser tests (tests/browser: Debian's Chromium driven by Playwright, on the built front) are a session
## of their own, with their own suite: their Hunan 2020 story recognises the programme as tests/e2e does.
test: venv check-protos check-buf lint broker web
	cd web && npm run --silent check:api && npm test
	$(PY) -m pytest tests/unit tests/workflow tests/integration tests/reliability tests/e2e --durations=20
	$(PY) -m pytest tests/browser

## RabbitMQ running, with the management API the tests use.
broker:
	@bash scripts/ensure-rabbitmq.sh

unit: venv
	$(PY) -m pytest tests/unit

lint: venv
	$(VENV)/bin/ruff check services tests

## RabbitMQ definitions for production, generated from the handlers, and the Kubernetes side of the broker
## accounts (deploy/k8s/base/rabbitmq-accounts.yaml) from the same code.
definitions: venv
	$(PY) -m zjtx.broker_definitions
	$(PY) -m zjtx.k8s_topology

## .env for docker compose: a random password for every account (none has a default), kept when present.
compose-env: venv
	$(PY) -m zjtx.compose_setup env

## Render every Kubernetes overlay with kustomize and validate it offline (also part of make test).
manifests: venv
	$(PY) -m pytest tests/unit/test_k8s_manifests.py tests/unit/test_compose.py -q

## Regenerate the gRPC/protobuf stubs from proto/ into services/zjtx_api/.
protos: venv
	$(PY) -m zjtx.protos generate

## Fail when the committed stubs or the events' AsyncAPI document differ from what proto/ generates.
check-protos: venv
	$(PY) -m zjtx.protos check

## buf lint and buf breaking on proto/ (buf from tools/contract, npm ci there when needed), against the protos of the
## commit that set the current schema version, or a later release tag (zjtx.proto_compat, docs/events.md).
check-buf: venv
	$(PY) -m zjtx.proto_compat

## The fault tests (tests/reliability) with a bigger deadline surge: SOAK_N applications per test (default 300).
soak: venv broker
	ZJTX_SURGE_N=$(or $(SOAK_N),300) $(PY) -m pytest tests/reliability

## Benchmarks, not part of make test: gRPC before/after, the deadline surge (RUNS fresh suites at N, each beside
## the raw ceiling of the same path, then N/2 at half the top rate), database operations per application,
## reporting at SIZES, the gateway and the front; one table at the end (also in out/bench/) and
## out/bench/summary.json. SKIP (default transport: the gRPC loop's one-off comparison) leaves sections out;
## SKIP= runs them all (docs/performance.md).
N ?= 400
RUNS ?= 3
SKIP ?= transport
SIZES ?= 1000,10000
CLIENTS ?= 4
bench: venv broker web
	$(PY) tests/bench/bench.py --n $(N) --runs $(RUNS) --sizes $(SIZES) --clients $(CLIENTS) $(if $(SKIP),--skip $(SKIP))

clean:
	rm -rf var out .pytest_cache .ruff_cache

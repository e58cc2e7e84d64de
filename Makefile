# The two commands that matter: `make dev` (the whole application, locally) and `make test`
# (every test). Everything installs itself through infra/bootstrap.sh.
SHELL := bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c
PORT ?= 3000
# Tools that fetch packages (uv, SAM's pip) trust the machine's certificate store, as pip and npm do.
export UV_SYSTEM_CERTS ?= 1
SYSTEM_CA := $(wildcard /etc/ssl/certs/ca-certificates.crt)
ifneq ($(SYSTEM_CA),)
export SSL_CERT_FILE ?= $(SYSTEM_CA)
export PIP_CERT ?= $(SYSTEM_CA)
endif
# Python's bytecode goes to one cache, .cache/pycache, also where the environment asks not to write it
# next to the sources (PYTHONDONTWRITEBYTECODE): a test run starts hundreds of Python processes
# (pytest's workers, local runtimes, every execution environment of their functions, SAM), and each
# would otherwise compile the same sources again. The layers' builds write their own bytecode.
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/.cache/pycache
export PYTHONDONTWRITEBYTECODE :=
UV := $(shell infra/bootstrap.sh)
ifeq ($(strip $(UV)),)
$(error the bootstrap failed (its reason is printed above): nothing runs without uv and Python 3.12)
endif
PYTEST_ARGS ?=
# pytest's workers, one a core: a third on two cores measured slower (10m30s against 9m22s), the
# processes the workers wait on (DynamoDB Local, runtimes, Chromium) need the cores too
TEST_WORKERS ?= 2

SAM_CLI_VERSION ?= 1.170.0

.PHONY: console console-check setup dev test all-tests unit local-test integration e2e infra-test lint format openapi bench layer-requirements build console-deploy

setup:
	@infra/bootstrap.sh >/dev/null

dev: console  ## start DynamoDB Local, moto, the gateway on 127.0.0.1:$(PORT), pumps, timer and demo data; the console at /
	@$(UV) run --frozen python -m regulars_local --port $(PORT) $(DEV_ARGS)

test:  ## every test: lint (ruff, the format, mypy, import contracts), the console's checks and build, unit, local runtime, integration, end-to-end, browser, infrastructure
	@$(MAKE) --no-print-directory -j2 --output-sync=target console-check console  # each mostly one core
	@# the lint beside the tests: their workers leave a core idle while they wait on DynamoDB Local, the
	@# runtimes and Chromium, and a first mypy run takes most of a minute; each prints when it ends
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint all-tests

all-tests:
	@REGULARS_CHROMIUM="$$(infra/chromium.sh)" $(UV) run --frozen pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

unit:
	@$(UV) run --frozen pytest tests/unit $(PYTEST_ARGS)

local-test: console  ## the local runtime's own tests: its parts, the runtime over HTTP, the demo data
	@$(UV) run --frozen pytest tests/local $(PYTEST_ARGS)

integration:
	@$(UV) run --frozen pytest tests/integration $(PYTEST_ARGS)

e2e: console
	@REGULARS_CHROMIUM="$$(infra/chromium.sh)" $(UV) run --frozen pytest tests/e2e $(PYTEST_ARGS)

infra-test:
	@$(UV) run --frozen pytest tests/infra $(PYTEST_ARGS)

lint:  ## ruff's rules, the format (`make format` applies it), the types (mypy) and the layers (import-linter's contracts): see pyproject.toml
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen ruff format --check .
	@$(UV) run --frozen mypy
	@$(UV) run --frozen lint-imports

console:  ## build the salon console into console/dist (TypeScript checked first): the local runtime serves it at /
	@command -v npm >/dev/null || { echo "the console needs Node.js 20.19+ and npm: install them (apt-get install nodejs npm)" >&2; exit 1; }
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
		|| { echo "the console's build (Vite 7) needs Node.js 20.19 or later; this is $$(node --version)" >&2; exit 1; }
	@npm --prefix console run --silent build

console-check:  ## the console's checks: its API types are the OpenAPI document's (no drift), its unit tests (Vitest)
	@npm --prefix console run --silent check

format:
	@$(UV) run --frozen ruff check --fix .
	@$(UV) run --frozen ruff format .

openapi:  ## regenerate docs/openapi.json from the code
	@$(UV) run --frozen python -m regulars_local.control.openapi > docs/openapi.json

layer-requirements:  ## the dependencies layer, exported from the lock
	@$(UV) export --frozen --no-dev --no-emit-project --no-hashes --no-header -o layers/dependencies/requirements.txt >/dev/null

build:  ## sam build: python3.12 on arm64, layers with compiled bytecode (then: sam deploy --guided)
	@python=$$($(UV) run --frozen python -c 'import sys; print(sys._base_executable)'); \
	PATH="$$(dirname $$python):$$PATH" PYTHON="$$python" \
		$(UV) tool run --python "$$python" --from aws-sam-cli==$(SAM_CLI_VERSION) sam build $(SAM_ARGS)

console-deploy: console  ## build the console and publish it to a stack deployed with ConsoleHosting=true: STACK=<name> [REGION=<region>]
	@test -n "$(STACK)" || { echo "usage: make console-deploy STACK=<stack name> [REGION=<region>]" >&2; exit 2; }
	$(UV) run --frozen python infra/console_deploy.py --stack "$(STACK)" $(if $(REGION),--region "$(REGION)") --dist console/dist

bench: console  ## benchmarks: print tables of measured figures
	@REGULARS_CHROMIUM="$$(infra/chromium.sh)" $(UV) run --frozen python -m bench $(BENCH_ARGS)

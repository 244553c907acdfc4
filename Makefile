# Fuyuan — two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint bench chaos contracts clean venv browser screenshots

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

## run: the whole system with embedded NATS and PostgreSQL (unless NATS_URL / DATABASE_URL are set)
run: $(STAMP)
	$(BIN)/fuyuan up

## test: lint, types, import contracts, then unit, contract, integration, end-to-end and browser tests
test: $(STAMP) lint
	@sh tests/browser/install_chromium.sh
	$(BIN)/python -m pytest -q

## test-fast: unit, contract and in-memory tests, no server (a few seconds)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit tests/contract tests/fast

## browser: Debian's chromium for the browser tests (installed when root or sudo allow; else a banner)
browser:
	@sh tests/browser/install_chromium.sh

## screenshots: the workbench's screens for docs/WORKBENCH.md, taken in chromium
screenshots: $(STAMP) browser
	$(BIN)/python -m tests.browser.screenshots

lint: $(STAMP)
	$(BIN)/ruff check contracts services tests bench chaos
	$(BIN)/ruff format --check contracts services tests bench chaos
	$(BIN)/mypy
	$(BIN)/lint-imports

## bench: measured throughput, written to docs/PERFORMANCE.md
bench: $(STAMP)
	$(BIN)/python -m bench

## chaos: the fault suite on loopback (about 10 minutes), written to docs/RELIABILITY.md
chaos: $(STAMP)
	$(BIN)/python -m chaos

## contracts: regenerate the AsyncAPI document and JSON Schemas under contracts/generated
contracts: $(STAMP)
	$(BIN)/fuyuan contracts export

clean:
	rm -rf $(VENV) .fuyuan .pytest_cache .mypy_cache .ruff_cache

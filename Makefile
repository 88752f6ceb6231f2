# The README's commands. `make serve` sets up and serves the site; `make test`
# runs every test; `make test-fast` is the edit loop (no site builds, no
# browser). All create the virtual environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve site validate lint test test-fast test-future bench bench-preview audit clean

$(BIN)/fmcat: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/fmcat

serve: setup  ## validate, build and serve the site on http://127.0.0.1:8000
	$(BIN)/fmcat validate
	$(BIN)/mkdocs serve $(if $(FULL),,--dirty) --dev-addr 127.0.0.1:8000

site: setup  ## build the site into site/ (strict: warnings fail)
	$(BIN)/fmcat validate --strict
	$(BIN)/mkdocs build --strict

validate: setup
	$(BIN)/fmcat validate --strict

# lint-imports checks the layer contracts in pyproject.toml ([tool.importlinter]).
lint: setup  ## ruff, mypy --strict, the import layers
	$(BIN)/ruff check src tests hooks benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint  ## every test: lint, types, layers, CODEOWNERS, unit, CLI, site builds, browser
	$(BIN)/fmcat codeowners --check
	$(BIN)/pytest

test-fast: lint  ## the edit loop: lint, types, layers, and every test that builds no site
	$(BIN)/pytest -q -m "not slow and not browser"

# A test that reads the real clock instead of fmcat.clock (pinned by the
# suite) passes today and fails months later. This runs every test at a
# wall-clock date FUTURE_DAYS ahead (libfaketime), so it fails at submission.
# FMCAT_FUTURE_FROM lets the suite refuse a run whose clock was not moved.
# Its own --basetemp: under the fake clock, pytest would take other sessions'
# numbered temp folders for stale ones and delete them. The monotonic clock
# is faked too: with it left real, libfaketime makes time.sleep fail (EINVAL).
FUTURE_DAYS ?= 400

test-future: setup  ## every pytest test at a wall-clock date FUTURE_DAYS (400) days ahead
	@command -v faketime >/dev/null || { echo "test-future needs faketime (apt-get install faketime)" >&2; exit 2; }
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	FMCAT_FUTURE_FROM=$$(date -u +%F) \
	faketime -f +$(FUTURE_DAYS)d $(BIN)/pytest -p no:cacheprovider --basetemp="$$tmp/pytest"

bench: setup  ## benchmark harness (N=1000 by default; N="1000 5000 20000"; REPEAT=3)
	$(BIN)/python benchmarks/run.py $(if $(N),--sizes $(N),) $(if $(REPEAT),--repeat $(REPEAT),)

bench-preview: setup  ## a save in `make serve` to the reloaded page, against plain Material (N="42 1000 5000"; MEMORY=50)
	$(BIN)/python benchmarks/preview.py $(if $(N),--sizes $(N),) $(if $(EDITS),--edits $(EDITS),) $(if $(MEMORY),--memory $(MEMORY),)

audit: setup  ## known vulnerabilities in the installed packages (needs pypi.org's JSON API)
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit --strict --skip-editable

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
